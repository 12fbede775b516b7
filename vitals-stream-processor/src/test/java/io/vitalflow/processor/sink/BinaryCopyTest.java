package io.vitalflow.processor.sink;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import org.junit.jupiter.api.Test;

class BinaryCopyTest {

  @Test
  void timestampsCountMicrosecondsFromThePostgresEpoch() {
    assertThat(BinaryCopy.timestamp(Instant.parse("2000-01-01T00:00:00Z"))).isZero();
    assertThat(BinaryCopy.timestamp(Instant.parse("2000-01-01T00:00:01.000002Z")))
        .isEqualTo(1_000_002L);
    assertThat(BinaryCopy.timestamp(Instant.parse("1999-12-31T23:59:59Z"))).isEqualTo(-1_000_000L);
  }

  @Test
  void writesHeaderRowsAndTrailer() throws Exception {
    byte[] bytes = new BinaryCopy(8).startRow(2).text("é").float8(1.5).finish().readAllBytes();
    assertThat(new String(bytes, 0, 6, java.nio.charset.StandardCharsets.US_ASCII))
        .isEqualTo("PGCOPY");
    // header 19, field count 2, text: 4 + 2 bytes, float8: 4 + 8, trailer 2
    assertThat(bytes).hasSize(19 + 2 + 6 + 12 + 2);
    assertThat(bytes[bytes.length - 1]).isEqualTo((byte) 0xFF);
  }
}
