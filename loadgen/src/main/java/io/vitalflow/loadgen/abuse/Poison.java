package io.vitalflow.loadgen.abuse;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.zip.GZIPOutputStream;

/**
 * The hostile writes of issue 12, each with what a server that holds must answer. Bodies are built
 * once; a probe is sent again and again while the attacks run.
 *
 * @param name the probe's name in the report
 * @param fhir true for the FHIR API ({@code POST {fhir}/Patient}), false for the gateway's {@code
 *     /api/v1/vitals}
 * @param contentType the request's {@code Content-Type}
 * @param headers further request headers ({@code Content-Encoding})
 * @param body the request body
 * @param expect what the server must do with it
 * @param storedMarker for a Patient that may be stored: text its read must contain (the stored
 *     value), else null
 */
public record Poison(
    String name,
    boolean fhir,
    String contentType,
    Map<String, String> headers,
    byte[] body,
    Expect expect,
    String storedMarker) {

  /** What a server that holds does with a probe. */
  public enum Expect {
    /** Refuse it with a 4xx; a 2xx is a failure. */
    REJECT,
    /**
     * Refuse it with a 4xx or store it correctly (a stored FHIR resource must read back with its
     * value).
     */
    REJECT_OR_STORE
  }

  /**
   * The family name of issue 12's finding 1: about 9,000 characters, too long for a PostgreSQL
   * index entry.
   */
  static final int LONG_NAME = 9_000;

  /**
   * Nesting of the deep JSON and XML bodies (finding 8 overflowed the stack with 20,000 XML
   * elements).
   */
  static final int DEPTH = 20_000;

  /** The gzip bomb's inflated size: many times the gateway's 4 MB body limit. */
  static final int BOMB_INFLATED = 128 * 1024 * 1024;

  public Poison {
    headers = Map.copyOf(headers);
  }

  /**
   * Why an answer breaks the rule, or null when it holds: a 4xx always holds; a 2xx holds only
   * where storing is allowed (and is then read back); a 503 holds only with {@code Retry-After}
   * (load shedding); anything else, and no answer at all, breaks it.
   */
  public static String violation(Expect expect, int status, String retryAfter) {
    if (status >= 400 && status < 500) {
      return null;
    }
    if (status == 503) {
      return retryAfter == null || retryAfter.isBlank() ? "HTTP 503 without Retry-After" : null;
    }
    if (status >= 200 && status < 300) {
      return expect == Expect.REJECT ? "accepted (HTTP " + status + "), must be refused" : null;
    }
    return "HTTP " + status;
  }

  /** Every probe; {@code patient} is the id poison readings are written for. */
  static List<Poison> all(String patient) {
    String family = longName();
    String future = Instant.now().plusSeconds(115).truncatedTo(ChronoUnit.SECONDS).toString();
    return List.of(
        fhir(
            "fhir-long-family-name",
            "application/fhir+json",
            "{\"resourceType\":\"Patient\",\"name\":[{\"family\":\""
                + family
                + "\",\"given\":[\"Long\"]}]}",
            Expect.REJECT_OR_STORE,
            family),
        fhir(
            "fhir-duplicate-keys",
            "application/fhir+json",
            "{\"resourceType\":\"Patient\",\"name\":[{\"family\":\"Proxy\"}],\"gender\":\"female\","
                + "\"name\":[{\"family\":\"Server\"}]}",
            Expect.REJECT,
            null),
        fhir(
            "fhir-script-narrative",
            "application/fhir+json",
            "{\"resourceType\":\"Patient\",\"text\":{\"status\":\"generated\",\"div\":\"<div xmlns=\\\""
                + "http://www.w3.org/1999/xhtml\\\"><p>Jane</p><script>alert(1)</script></div>\"},"
                + "\"name\":[{\"family\":\"Script\"}]}",
            Expect.REJECT,
            null),
        fhir(
            "fhir-deep-json",
            "application/fhir+json",
            "{\"resourceType\":\"Patient\",\"name\":" + "[".repeat(DEPTH) + "]".repeat(DEPTH) + "}",
            Expect.REJECT,
            null),
        fhir(
            "fhir-deep-xml",
            "application/fhir+xml",
            "<Patient xmlns=\"http://hl7.org/fhir\">"
                + "<extension url=\"urn:x\">".repeat(DEPTH)
                + "</extension>".repeat(DEPTH)
                + "</Patient>",
            Expect.REJECT,
            null),
        fhir(
            "fhir-xml-entity-expansion",
            "application/fhir+xml",
            billionLaughs(),
            Expect.REJECT,
            null),
        ingest(
            "ingest-duplicate-keys",
            Map.of(),
            "{\"patientId\":\""
                + patient
                + "\",\"deviceId\":\""
                + patient
                + "\",\"code\":\"8867-4\",\"value\":70,"
                + "\"unit\":\"/min\",\"effectiveTime\":\""
                + Instant.now().truncatedTo(ChronoUnit.SECONDS)
                + "\",\"patientId\":\""
                + patient
                + "-other\"}\n",
            Expect.REJECT),
        ingest(
            "ingest-future-timestamp",
            Map.of(),
            "{\"patientId\":\""
                + patient
                + "\",\"deviceId\":\""
                + patient
                + "\",\"code\":\"8867-4\",\"value\":180,"
                + "\"unit\":\"/min\",\"effectiveTime\":\""
                + future
                + "\"}\n",
            Expect.REJECT_OR_STORE),
        new Poison(
            "ingest-gzip-bomb",
            false,
            "application/x-ndjson",
            Map.of("Content-Encoding", "gzip"),
            gzipBomb(),
            Expect.REJECT,
            null));
  }

  /**
   * The name of the probe that resends an acknowledged reading (its body comes from the normal
   * traffic).
   */
  static final String REUSED_ID = "ingest-reused-reading-id";

  /**
   * A reading already acknowledged, sent again unchanged: acknowledged again (or refused), never
   * stored twice.
   */
  static Poison reusedId(String line) {
    return ingest(REUSED_ID, Map.of(), line, Expect.REJECT_OR_STORE);
  }

  private static Poison fhir(String name, String type, String body, Expect expect, String marker) {
    return new Poison(
        name, true, type, Map.of(), body.getBytes(StandardCharsets.UTF_8), expect, marker);
  }

  private static Poison ingest(
      String name, Map<String, String> headers, String body, Expect expect) {
    return new Poison(
        name,
        false,
        "application/x-ndjson",
        headers,
        body.getBytes(StandardCharsets.UTF_8),
        expect,
        null);
  }

  /**
   * Letters that do not compress: PostgreSQL compresses a long index entry before it checks its
   * size, so a repeated pattern of 9,000 characters would fit and miss the point.
   */
  private static String longName() {
    SplittableRandom random = new SplittableRandom(LONG_NAME);
    StringBuilder name = new StringBuilder(LONG_NAME).append('L');
    while (name.length() < LONG_NAME) {
      name.append((char) ('a' + random.nextInt(26)));
    }
    return name.toString();
  }

  private static String billionLaughs() {
    StringBuilder xml =
        new StringBuilder("<?xml version=\"1.0\"?><!DOCTYPE Patient [<!ENTITY l0 \"lol\">");
    for (int i = 1; i < 10; i++) {
      xml.append("<!ENTITY l")
          .append(i)
          .append(" \"")
          .append(("&l" + (i - 1) + ";").repeat(10))
          .append("\">");
    }
    return xml.append(
            "]><Patient xmlns=\"http://hl7.org/fhir\"><name><family value=\"&l9;\"/></name></Patient>")
        .toString();
  }

  private static byte[] gzipBomb() {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (GZIPOutputStream gzip = new GZIPOutputStream(bytes, 1 << 16)) {
      byte[] spaces = new byte[1 << 20];
      Arrays.fill(spaces, (byte) ' ');
      for (int written = 0; written < BOMB_INFLATED; written += spaces.length) {
        gzip.write(spaces);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }
}
