package io.vitalflow.fhir.search;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * A fingerprint of what the search index holds: every indexed parameter of every resource type
 * (name, type, expression, targets, components) and the version of the extraction code. When it
 * changes (a HAPI upgrade that changes the specification's definitions, a parameter added, the
 * extraction of a type fixed), the index rows of resources written before no longer match what
 * searches expect, and {@code store.SearchReindexer} rebuilds them.
 */
public final class SearchIndexVersion {

  /**
   * Raise this when the extraction changes what rows a resource gets (not when only the definitions
   * change: those are in the fingerprint already). 2: canonical URLs of reference parameters are
   * indexed as uris too, and identifiers with a type under {@code param:of-type}.
   */
  static final int EXTRACTION = 2;

  private static final String CURRENT = fingerprint();

  private SearchIndexVersion() {}

  /** The fingerprint of this build's search index, 16 hex digits. */
  public static String current() {
    return CURRENT;
  }

  private static String fingerprint() {
    MessageDigest sha;
    try {
      sha = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every JDK", e);
    }
    update(sha, "extraction " + EXTRACTION);
    for (String type : SearchParameters.resourceTypes()) {
      for (SearchParameters.Definition definition : SearchParameters.of(type)) {
        update(
            sha,
            type
                + "|"
                + definition.name()
                + "|"
                + definition.type()
                + "|"
                + definition.expression()
                + "|"
                + new java.util.TreeSet<>(definition.targets())
                + "|"
                + definition.components());
      }
    }
    return HexFormat.of().formatHex(sha.digest(), 0, 8);
  }

  private static void update(MessageDigest sha, String line) {
    sha.update(line.getBytes(StandardCharsets.UTF_8));
    sha.update((byte) '\n');
  }
}
