package io.vitalflow.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The hand-written time of an event is what the formatter and the ISO parser make of it. */
class AuditJsonInstantTest {

  @Test
  void writtenAndReadAsTheFormatterAndTheIsoParserDo() {
    Random random = new Random(14);
    long min = Instant.parse("0001-01-01T00:00:00Z").toEpochMilli();
    long max = Instant.parse("9999-12-31T23:59:59.999Z").toEpochMilli();
    for (int i = 0; i < 200_000; i++) {
      Instant when = Instant.ofEpochMilli(min + (long) (random.nextDouble() * (max - min)));
      String text = AuditJson.instant(when);
      assertThat(text).isEqualTo(AuditJson.INSTANT.format(when));
      assertThat(AuditJson.instant(text)).isEqualTo(when);
      assertThat(AuditJson.instant(text)).isEqualTo(iso(text));
    }
    // other offsets and precisions go to the ISO parser
    assertThat(AuditJson.instant("2026-12-06T10:00:00+02:00"))
        .isEqualTo(Instant.parse("2026-12-06T08:00:00Z"));
    assertThat(AuditJson.instant("2026-12-06T10:00:00.123456Z"))
        .isEqualTo(Instant.parse("2026-12-06T10:00:00.123456Z"));
  }

  @Test
  void whatTheIsoParserRefusesIsRefused() {
    for (String bad :
        new String[] {
          "2026-02-30T00:00:00.000Z",
          "2026-13-01T00:00:00.000Z",
          "2026-12-06T24:00:00.000Z",
          "2026-12-06T10:60:00.000Z",
          "2026-12-06T10:00:60.000Z",
          "2026-12-06T10:00:00.0a0Z",
          "2026-12-0xT10:00:00.000Z"
        }) {
      assertThatThrownBy(() -> iso(bad)).isInstanceOf(DateTimeParseException.class);
      assertThatThrownBy(() -> AuditJson.instant(bad))
          .as(bad)
          .isInstanceOf(DateTimeParseException.class);
    }
  }

  private static Instant iso(String text) {
    return OffsetDateTime.parse(text, DateTimeFormatter.ISO_OFFSET_DATE_TIME).toInstant();
  }
}
