package io.vitalflow.ingest.vitals.parse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import tools.jackson.core.json.JsonFactory;

class NdjsonBodyParserTest {

  private final NdjsonBodyParser parser = new NdjsonBodyParser(new JsonFactory());

  @Test
  void oneReadingPerLineBlankLinesIgnored() {
    ParsedBatch batch =
        parse("{\"patientId\":\"a\"}\r\n\n   \n{\"patientId\":\"b\"}\n{\"patientId\":\"c\"}");

    assertThat(batch.items()).isEqualTo(3);
    assertThat(batch.readings())
        .extracting(RawReading::index, RawReading::patientId)
        .containsExactly(tuple(0, "a"), tuple(1, "b"), tuple(2, "c"));
  }

  @Test
  void aBadLineIsRejectedAndTheOthersKept() {
    ParsedBatch batch =
        parse(
            """
        {"patientId":"a"}
        {"patientId":
        [{"patientId":"x"}]
        {"patientId":"b"} {"patientId":"c"}
        {"patientId":7}
        {"patientId":"d"}
        """);

    assertThat(batch.items()).isEqualTo(6);
    assertThat(batch.readings())
        .extracting(RawReading::index, RawReading::patientId)
        .containsExactly(tuple(0, "a"), tuple(5, "d"));
    assertThat(batch.rejections())
        .extracting(Rejection::index, Rejection::kind)
        .containsExactly(
            tuple(1, RejectReason.MALFORMED),
            tuple(2, RejectReason.MALFORMED),
            tuple(3, RejectReason.MALFORMED),
            tuple(4, RejectReason.WRONG_TYPE));
  }

  @Test
  void anEmptyBodyHasNoItems() {
    assertThat(parse("").items()).isZero();
    assertThat(parse("\n\r\n \t\n").items()).isZero();
  }

  @Test
  void tooManyLinesStopTheParser() {
    assertThatThrownBy(() -> parser.parse("{}\n{}\n{}\n".getBytes(StandardCharsets.UTF_8), 2))
        .isInstanceOf(BodyTooLargeException.class);
  }

  @Test
  void aDuplicatedKeyInAnyLineRefusesTheWholeBody() {
    assertThatThrownBy(
            () -> parse("{\"patientId\":\"a\"}\n{\"patientId\":\"b\",\"patientId\":\"c\"}\n"))
        .isInstanceOf(MalformedBodyException.class)
        .satisfies(
            e ->
                assertThat(((MalformedBodyException) e).getBody().getDetail())
                    .isEqualTo(
                        "Duplicate key \"patientId\" in the item at index 1: a key may appear only once per JSON"
                            + " object."));
  }

  private ParsedBatch parse(String body) {
    return parser.parse(body.getBytes(StandardCharsets.UTF_8), 1000);
  }
}
