package io.vitalflow.processor.topology;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vitalflow.schemas.Loinc;
import io.vitalflow.schemas.Topics;
import io.vitalflow.schemas.VitalAggregate;
import java.time.Instant;
import java.util.Arrays;
import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.Test;

/**
 * The window stores' values: what a 1-minute window remembers, its bound, and a format that reads
 * in both directions of an in-place upgrade.
 */
class WindowStateTest {

  private static final Instant T0 = Instant.parse("2026-03-01T10:00:00Z");

  private final WindowStateSerde serde = new WindowStateSerde();

  @Test
  void aWindowRemembersItsReadingsSortedAndEachOnce() {
    long a = WindowState.identity(20_000, "a");
    long b = WindowState.identity(5_000, "b");
    long c = WindowState.identity(5_000, "c");
    WindowState state = WindowState.of(aggregate(1)).counting(aggregate(1), a);
    state = state.counting(aggregate(2), b).counting(aggregate(3), c).counting(aggregate(3), a);

    assertThat(state.counted()).hasSize(3).isSorted();
    assertThat(state.hasCounted(a)).isTrue();
    assertThat(state.hasCounted(b)).isTrue();
    assertThat(state.hasCounted(c)).isTrue();
    assertThat(state.hasCounted(WindowState.identity(5_001, "b"))).isFalse();
    assertThat(state.hasCounted(WindowState.identity(5_000, "d"))).isFalse();
    assertThat(state.aggregate().getCount()).isEqualTo(3);
  }

  @Test
  void aFullWindowForgetsItsEarliestReadings() {
    WindowState state = WindowState.of(aggregate(0));
    for (int i = 0; i < WindowState.MAX_COUNTED + 10; i++) {
      state = state.counting(aggregate(i + 1), WindowState.identity(100 + i, "r-" + i));
    }
    assertThat(state.counted()).hasSize(WindowState.MAX_COUNTED).isSorted();
    assertThat(state.hasCounted(WindowState.identity(100 + 9, "r-9"))).isFalse();
    assertThat(state.hasCounted(WindowState.identity(100 + 10, "r-10"))).isTrue();
    int last = WindowState.MAX_COUNTED + 9;
    assertThat(state.hasCounted(WindowState.identity(100 + last, "r-" + last))).isTrue();

    // one later than the earliest remembered takes its place; one earlier is not remembered
    WindowState later = state.counting(aggregate(600), WindowState.identity(115, "x"));
    assertThat(later.hasCounted(WindowState.identity(115, "x"))).isTrue();
    assertThat(later.hasCounted(WindowState.identity(110, "r-10"))).isFalse();
    assertThat(later.counted()).hasSize(WindowState.MAX_COUNTED).isSorted();
    WindowState earlier = state.counting(aggregate(600), WindowState.identity(50, "y"));
    assertThat(earlier.hasCounted(WindowState.identity(50, "y"))).isFalse();
    assertThat(earlier.counted()).isEqualTo(state.counted());
  }

  @Test
  void idsThatJavasStringHashConfusesAreTwoReadings() {
    assertThat("Aa".hashCode()).isEqualTo("BB".hashCode());
    assertThat(WindowState.identity(0, "Aa")).isNotEqualTo(WindowState.identity(0, "BB"));
  }

  @Test
  void aWindowWithItsReadingsRoundTrips() {
    WindowState state = WindowState.of(aggregate(3));
    for (String id : new String[] {"a", "b", "c"}) {
      state = state.counting(aggregate(3), WindowState.identity(59_999, id));
    }
    state = state.counting(aggregate(4), WindowState.identity(0, "d"));

    WindowState read = serde.deserialize("", serde.serialize("", state));

    assertThat(read.aggregate()).isEqualTo(state.aggregate());
    assertThat(read.counted()).isEqualTo(state.counted());
  }

  @Test
  void aValueStoredBeforeReadingsWereRememberedReadsAsAWindowThatRemembersNone() {
    for (long lastTime : new long[] {0, 127, 128, 59_999, T0.toEpochMilli(), Long.MAX_VALUE / 2}) {
      VitalAggregate old = aggregate(7);
      old.setLastTime(Instant.ofEpochMilli(lastTime));
      byte[] before = Topics.VITALS_AGG_1M.valueSerde().serializer().serialize("", old);

      WindowState read = serde.deserialize("", before);

      assertThat(read.aggregate()).isEqualTo(old);
      assertThat(read.counted()).isEmpty();
    }
  }

  @Test
  void aProcessorRolledBackReadsTheAggregateAndIgnoresTheReadings() {
    WindowState state =
        WindowState.of(aggregate(2))
            .counting(aggregate(2), WindowState.identity(1, "a"))
            .counting(aggregate(2), WindowState.identity(2, "b"));
    byte[] now = serde.serialize("", state);

    VitalAggregate read = Topics.VITALS_AGG_1M.valueSerde().deserializer().deserialize("", now);

    assertThat(read).isEqualTo(state.aggregate());
  }

  @Test
  void aWindowThatRemembersNothingIsStoredExactlyAsBefore() {
    VitalAggregate hour = aggregate(5);
    assertThat(serde.serialize("", WindowState.of(hour)))
        .isEqualTo(Topics.VITALS_AGG_1H.valueSerde().serializer().serialize("", hour));
  }

  @Test
  void anUnknownOrTruncatedValueIsASerializationError() {
    byte[] now =
        serde.serialize(
            "", WindowState.of(aggregate(1)).counting(aggregate(1), WindowState.identity(1, "a")));
    byte[] future = now.clone();
    future[future.length - 1] = (byte) 0x82;
    assertThatThrownBy(() -> serde.deserialize("", future))
        .isInstanceOf(SerializationException.class)
        .hasMessageContaining("unknown format 0x82");
    byte[] truncated = Arrays.copyOfRange(now, now.length - 7, now.length);
    assertThatThrownBy(() -> serde.deserialize("", truncated))
        .isInstanceOf(SerializationException.class)
        .hasMessageContaining("1 entries in 7 bytes");
  }

  private static VitalAggregate aggregate(long count) {
    return VitalAggregate.newBuilder()
        .setPatientId("p1")
        .setCode(Loinc.HEART_RATE)
        .setUnit("/min")
        .setWindowStart(T0)
        .setWindowEnd(T0.plusSeconds(60))
        .setCount(count)
        .setMin(60)
        .setMax(80)
        .setSum(70.0 * count)
        .setMean(70)
        .setLast(72)
        .setLastTime(T0.plusSeconds(30))
        .build();
  }
}
