package io.vitalflow.ingest.vitals.parse;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.context.FhirContext;
import io.vitalflow.ingest.vitals.Payloads;
import io.vitalflow.ingest.vitals.validate.ReadingValidator;
import io.vitalflow.ingest.vitals.validate.ValidatedBatch;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.Size;
import tools.jackson.core.json.JsonFactory;

/**
 * Whatever a client sends, parsing and validation end in a parsed batch or in {@link
 * MalformedBodyException}, the typed error that becomes a 400; never in any other exception (which
 * would be a 500).
 */
class BodyParserPropertyTest {

  private static final JsonFactory JSON = new JsonFactory();
  private static final FhirBodyParser FHIR = new FhirBodyParser(FhirContext.forR4Cached());
  private static final ReadingValidator VALIDATOR =
      new ReadingValidator(Clock.systemUTC(), Duration.ofMinutes(2), Duration.ofDays(7));
  private static final List<String> FIELDS =
      List.of("id", "patientId", "deviceId", "code", "value", "unit", "effectiveTime", "other");

  @Property(tries = 1000)
  void jsonParserOnRandomTextFailsOnlyTyped(@ForAll @Size(max = 200) String text) {
    assertOnlyTypedErrors(new JsonBodyParser(JSON), text.getBytes(StandardCharsets.UTF_8));
  }

  @Property(tries = 1000)
  void jsonParserOnRandomBytesFailsOnlyTyped(@ForAll @Size(max = 200) byte[] bytes) {
    assertOnlyTypedErrors(new JsonBodyParser(JSON), bytes);
  }

  @Property(tries = 1000)
  void jsonParserOnRandomReadingsFailsOnlyTyped(@ForAll("readingArrays") String body) {
    assertOnlyTypedErrors(new JsonBodyParser(JSON), body.getBytes(StandardCharsets.UTF_8));
  }

  @Property(tries = 500)
  void jsonParserOnDamagedReadingsFailsOnlyTyped(
      @ForAll("readingArrays") String body, @ForAll("cuts") int cut, @ForAll char junk) {
    String damaged =
        body.substring(0, Math.min(cut, body.length()))
            + junk
            + body.substring(Math.min(cut + 1, body.length()));
    assertOnlyTypedErrors(new JsonBodyParser(JSON), damaged.getBytes(StandardCharsets.UTF_8));
  }

  @Property(tries = 1000)
  void ndjsonParserNeverFailsOnRandomInput(@ForAll @Size(max = 300) byte[] bytes) {
    ParsedBatch batch = new NdjsonBodyParser(JSON).parse(bytes, 10_000);
    assertThat(batch.readings().size() + batch.rejections().size()).isEqualTo(batch.items());
    VALIDATOR.validate(batch);
  }

  @Property(tries = 500)
  void ndjsonParserAccountsForEveryLine(@ForAll("readingLines") String body) {
    ParsedBatch batch =
        new NdjsonBodyParser(JSON).parse(body.getBytes(StandardCharsets.UTF_8), 10_000);
    // NDJSON separates records by \n only (a \r before it is tolerated) and skips lines of spaces,
    // tabs and \r;
    // String.lines() and isBlank() would also split at a lone \r and skip other Unicode white space
    long lines =
        java.util.Arrays.stream(body.split("\n", -1))
            .filter(line -> !line.chars().allMatch(c -> c == ' ' || c == '\t' || c == '\r'))
            .count();
    assertThat(batch.items()).isEqualTo((int) lines);
    ValidatedBatch validated = VALIDATOR.validate(batch);
    assertThat(validated.accepted().size() + validated.rejected().size()).isEqualTo((int) lines);
  }

  @Property(tries = 200)
  void fhirParserOnRandomTextFailsOnlyTyped(@ForAll @Size(max = 200) String text) {
    assertOnlyTypedErrors(FHIR, text.getBytes(StandardCharsets.UTF_8));
  }

  @Property(tries = 300)
  void fhirParserOnDamagedObservationsFailsOnlyTyped(@ForAll("cuts") int cut, @ForAll char junk) {
    String body =
        Payloads.bundle(
            Payloads.observation("o", "p", "8867-4", 60, "/min", "2025-01-01T00:00:00Z"),
            Payloads.bloodPressurePanel("bp", "p", 120, 80, "kPa", "2025-01-01T00:00:00Z"));
    String damaged =
        body.substring(0, Math.min(cut, body.length()))
            + junk
            + body.substring(Math.min(cut + 1, body.length()));
    assertOnlyTypedErrors(FHIR, damaged.getBytes(StandardCharsets.UTF_8));
  }

  @Provide
  Arbitrary<Integer> cuts() {
    return Arbitraries.integers().between(0, 1200);
  }

  @Provide
  Arbitrary<String> readingArrays() {
    return reading()
        .list()
        .ofMaxSize(5)
        .map(readings -> readings.stream().collect(Collectors.joining(",", "[", "]")));
  }

  @Provide
  Arbitrary<String> readingLines() {
    return Arbitraries.oneOf(
            reading(), Arbitraries.strings().ofMaxLength(30).map(s -> s.replace('\n', ' ')))
        .list()
        .ofMaxSize(6)
        .map(lines -> String.join("\n", lines));
  }

  /** A JSON object with some of the reading's fields, each holding a random JSON value. */
  private static Arbitrary<String> reading() {
    Arbitrary<Map<String, String>> fields =
        Arbitraries.maps(Arbitraries.of(FIELDS), jsonValue()).ofMaxSize(8);
    return fields.map(
        map ->
            map.entrySet().stream()
                .map(entry -> "\"" + entry.getKey() + "\":" + entry.getValue())
                .collect(Collectors.joining(",", "{", "}")));
  }

  private static Arbitrary<String> jsonValue() {
    Arbitrary<String> strings =
        Arbitraries.oneOf(
                Arbitraries.of(
                    "8867-4",
                    "8310-5",
                    "85354-9",
                    "/min",
                    "[degF]",
                    "K",
                    "kPa",
                    "Cel",
                    "%",
                    "2025-01-01T00:00:00Z",
                    "-999999999-01-01T00:00:00Z",
                    "2025-13-45T99:99:99Z",
                    "",
                    " ",
                    "p/1"),
                Arbitraries.strings().ofMaxLength(20))
            .map(BodyParserPropertyTest::quoted);
    Arbitrary<String> numbers =
        Arbitraries.oneOf(
            Arbitraries.doubles().map(d -> Double.isFinite(d) ? Double.toString(d) : "0"),
            Arbitraries.of(
                "1e400", "-1e400", "0", "-0", "1E-400", "98.6", "123456789012345678901234567890"));
    Arbitrary<String> others =
        Arbitraries.of(
            "null", "true", "false", "[]", "{}", "[1,[2,{\"a\":[]}]]", "{\"value\":{\"value\":1}}");
    return Combinators.combine(Arbitraries.integers().between(0, 2), strings, numbers, others)
        .as(
            (choice, string, number, other) ->
                switch (choice) {
                  case 0 -> string;
                  case 1 -> number;
                  default -> other;
                });
  }

  private static String quoted(String text) {
    StringBuilder json = new StringBuilder("\"");
    for (char c : text.toCharArray()) {
      if (c == '"' || c == '\\') {
        json.append('\\').append(c);
      } else if (c < 0x20) {
        json.append(String.format("\\u%04x", (int) c));
      } else {
        json.append(c);
      }
    }
    return json.append('"').toString();
  }

  private static void assertOnlyTypedErrors(BodyParser parser, byte[] body) {
    try {
      ParsedBatch batch = parser.parse(body, 10_000);
      assertThat(batch.items()).isGreaterThanOrEqualTo(0);
      VALIDATOR.validate(batch);
    } catch (MalformedBodyException expected) {
      assertThat(expected.getBody().getDetail()).isNotBlank();
    }
  }
}
