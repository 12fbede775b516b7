package io.vitalflow.fhir.search;

/**
 * The one rule for values that go into an indexed column of the search index: at most {@link
 * #MAX_LENGTH} characters (as HAPI FHIR's JPA server does). A PostgreSQL B-tree entry holds at most
 * about 2,700 bytes, so a longer value (a 9,000-character family name) cannot be indexed at all and
 * would stop the projection; 200 characters are at most 800 bytes in UTF-8, so a token row (code
 * and system) stays well below the limit. The index writes the first 200 characters and every
 * search truncates its values the same way, so exact and starts-with matches of long values still
 * work: beyond 200 characters, values are compared by their first 200.
 */
public final class IndexedValues {

  /** Characters (code points) of a value that the index keeps. */
  public static final int MAX_LENGTH = 200;

  private IndexedValues() {}

  /**
   * The first {@link #MAX_LENGTH} code points of {@code value} (never half a surrogate pair); the
   * value itself when it is not longer, or null.
   */
  public static String truncate(String value) {
    if (value == null || value.length() <= MAX_LENGTH) {
      return value;
    }
    return value.substring(
        0,
        value.offsetByCodePoints(0, Math.min(MAX_LENGTH, value.codePointCount(0, value.length()))));
  }
}
