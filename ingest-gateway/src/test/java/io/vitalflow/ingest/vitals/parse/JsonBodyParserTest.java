package io.vitalflow.ingest.vitals.parse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import tools.jackson.core.json.JsonFactory;

class JsonBodyParserTest {

  private final JsonBodyParser parser = new JsonBodyParser(new JsonFactory());

  @Test
  void anArrayOfReadings() {
    ParsedBatch batch =
        parse(
            """
        [{"id":"r1","patientId":"p1","deviceId":"d1","code":"8867-4","value":72,"unit":"/min",
          "effectiveTime":"2025-01-01T00:00:00Z"},
         {"patientId":"p2","value":36.6,"unit":"Cel","unknown":{"nested":[1,{"a":null}]},"code":"8310-5"}]""");

    assertThat(batch.items()).isEqualTo(2);
    assertThat(batch.rejections()).isEmpty();
    assertThat(batch.readings())
        .containsExactly(
            new RawReading(
                0, FieldNames.JSON, "r1", "p1", "d1", "8867-4", 72, "/min", "2025-01-01T00:00:00Z"),
            new RawReading(1, FieldNames.JSON, null, "p2", null, "8310-5", 36.6, "Cel", null));
  }

  @Test
  void oneReadingObject() {
    ParsedBatch batch = parse("{\"patientId\":\"p1\",\"value\":1e2}");
    assertThat(batch.items()).isEqualTo(1);
    assertThat(batch.readings().get(0).value()).isEqualTo(100.0);
  }

  @Test
  void wrongJsonTypesRejectTheReadingOnly() {
    ParsedBatch batch =
        parse(
            """
        [{"patientId":42}, {"value":"72"}, {"unit":["/min"]}, 7, "x", null, [], {"patientId":null,"value":null}]""");

    assertThat(batch.items()).isEqualTo(8);
    assertThat(batch.rejections())
        .extracting(Rejection::index, Rejection::field, Rejection::kind)
        .containsExactly(
            tuple(0, "patientId", RejectReason.WRONG_TYPE),
            tuple(1, "value", RejectReason.WRONG_TYPE),
            tuple(2, "unit", RejectReason.WRONG_TYPE),
            tuple(3, "", RejectReason.MALFORMED),
            tuple(4, "", RejectReason.MALFORMED),
            tuple(5, "", RejectReason.MALFORMED),
            tuple(6, "", RejectReason.MALFORMED));
    assertThat(batch.readings())
        .singleElement()
        .satisfies(
            reading -> {
              assertThat(reading.index()).isEqualTo(7);
              assertThat(reading.patientId()).isNull();
              assertThat(reading.value()).isNaN();
            });
  }

  @Test
  void syntaxErrorsMakeTheWholeBodyMalformed() {
    for (String body :
        new String[] {
          "",
          "   ",
          "[",
          "[{]",
          "{\"a\":1",
          "[1,]",
          "42",
          "\"text\"",
          "[{}] []",
          "[{\"value\": NaN}]",
          "\u00ff\u00fe"
        }) {
      assertThatThrownBy(() -> parse(body))
          .as(body)
          .isInstanceOf(MalformedBodyException.class)
          .satisfies(
              e -> assertThat(((MalformedBodyException) e).getStatusCode().value()).isEqualTo(400));
    }
  }

  @Test
  void anEmptyArrayHasNoItems() {
    assertThat(parse("[]").items()).isZero();
  }

  @Test
  void tooManyItemsStopTheParser() {
    assertThat(parser.parse("[{},{},{}]".getBytes(StandardCharsets.UTF_8), 3).items()).isEqualTo(3);
    assertThatThrownBy(() -> parser.parse("[{},{},{},{}]".getBytes(StandardCharsets.UTF_8), 3))
        .isInstanceOf(BodyTooLargeException.class)
        .hasMessageContaining("3 readings");
  }

  @Test
  void aDuplicatedKeyAnywhereRefusesTheWholeBodyNamingTheKey() {
    // a proxy keeping the first patientId and a server keeping the last would disagree on the
    // patient
    for (String body :
        new String[] {
          "{\"patientId\":\"p1\",\"value\":72,\"patientId\":\"p2\"}",
          "[{\"patientId\":\"p0\"},{\"patientId\":\"p1\",\"patientId\":\"p2\"}]",
          "[{\"patientId\":\"p1\",\"extra\":{\"patientId\":1,\"patientId\":2}}]"
        }) {
      assertThatThrownBy(() -> parse(body))
          .as(body)
          .isInstanceOf(MalformedBodyException.class)
          .satisfies(
              e -> {
                MalformedBodyException refused = (MalformedBodyException) e;
                assertThat(refused.getStatusCode().value()).isEqualTo(400);
                assertThat(refused.getBody().getDetail()).startsWith("Duplicate key \"patientId\"");
                assertThat(refused.getBody().getProperties())
                    .containsEntry("duplicateKey", "patientId");
              });
    }
    assertThat(parse("[{\"patientId\":\"p1\"},{\"patientId\":\"p2\"}]").readings()).hasSize(2);
  }

  private ParsedBatch parse(String body) {
    return parser.parse(body.getBytes(StandardCharsets.UTF_8), 1000);
  }
}
