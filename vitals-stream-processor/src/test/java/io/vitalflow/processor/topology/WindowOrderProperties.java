package io.vitalflow.processor.topology;

import static io.vitalflow.processor.topology.Readings.reading;
import static org.assertj.core.api.Assertions.assertThat;

import io.vitalflow.schemas.Loinc;
import io.vitalflow.schemas.VitalAggregate;
import io.vitalflow.schemas.VitalSign;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.WindowStoreIterator;

/**
 * Through the real topology: readings whose event times all lie within the 1-minute grace period of
 * each other (here spanning a minute boundary) end up in the same windows with the same aggregates
 * whatever order they arrive in, and none is dropped; readings sent again (the same reading id and
 * time, anywhere later in the sequence) change nothing. Readings may share a value and a time: with
 * their own ids they are different readings and each counts.
 *
 * <p>One driver serves every try (a fresh driver with RocksDB costs ~0.4 s): each try has its own
 * patients, and as every try's readings lie in the same 30 s, stream time never gets far enough to
 * close a window of them.
 */
class WindowOrderProperties {

  private static final Instant BASE = Instant.parse("2026-03-01T10:00:45Z");

  private static TopologyFixture fixture;
  private static int tries;

  @BeforeContainer
  static void start() {
    fixture = new TopologyFixture();
  }

  @AfterContainer
  static void stop() {
    fixture.close();
  }

  @Property(tries = 100)
  void windowsDoNotDependOnArrivalOrderWithinGraceNorOnRepeats(
      @ForAll("readings") List<Reading> readings, @ForAll Random random) {
    int attempt = tries++;
    Instant base = BASE;
    String inOrder = "in-order-" + attempt;
    String shuffledPatient = "shuffled-" + attempt;
    List<Reading> shuffled = new ArrayList<>(readings);
    Collections.shuffle(shuffled, random);
    for (Reading reading : readings) {
      if (random.nextInt(3) == 0) { // sent again, after the original
        int original = shuffled.indexOf(reading);
        shuffled.add(original + 1 + random.nextInt(shuffled.size() - original), reading);
      }
    }
    readings.forEach(r -> fixture.pipe(r.of(inOrder, base)));
    shuffled.forEach(r -> fixture.pipe(r.of(shuffledPatient, base)));

    for (String store : List.of(VitalsTopology.STORE_AGG_1M, VitalsTopology.STORE_AGG_1H)) {
      List<KeyValue<Long, VitalAggregate>> expected = windows(store, inOrder, base);
      List<KeyValue<Long, VitalAggregate>> actual = windows(store, shuffledPatient, base);
      assertThat(actual)
          .extracting(kv -> kv.key)
          .isEqualTo(expected.stream().map(kv -> kv.key).toList());
      for (int i = 0; i < expected.size(); i++) {
        VitalAggregatesProperties.assertSameAggregate(actual.get(i).value, expected.get(i).value);
        VitalAggregate a = actual.get(i).value;
        assertThat(a.getMin()).isLessThanOrEqualTo(a.getMean());
        assertThat(a.getMean()).isLessThanOrEqualTo(a.getMax());
      }
      assertThat(actual.stream().mapToLong(kv -> kv.value.getCount()).sum())
          .isEqualTo(readings.size());
    }
  }

  private static List<KeyValue<Long, VitalAggregate>> windows(
      String store, String patient, Instant base) {
    List<KeyValue<Long, VitalAggregate>> windows = new ArrayList<>();
    try (WindowStoreIterator<WindowState> it =
        fixture
            .windowStore(store)
            .fetch(
                WindowAggregator.storeKey(patient, Loinc.HEART_RATE),
                base.minusSeconds(3600),
                base.plusSeconds(3600))) {
      it.forEachRemaining(kv -> windows.add(KeyValue.pair(kv.key, kv.value.aggregate())));
    }
    return windows;
  }

  /** A reading of a try; {@code id} tells apart readings with equal value and time. */
  record Reading(int id, double value, long offsetMs) {

    VitalSign of(String patient, Instant base) {
      VitalSign reading = reading(patient, Loinc.HEART_RATE, value, base.plusMillis(offsetMs));
      reading.setReadingId("r-" + id);
      return reading;
    }
  }

  /**
   * Event times within 30 s (the default 1-minute grace) of each other; often the same value and
   * time twice (few values, few times), under different ids.
   */
  @Provide
  Arbitrary<List<Reading>> readings() {
    Arbitrary<Double> values =
        Arbitraries.oneOf(
            Arbitraries.doubles().between(30, 200).ofScale(1), Arbitraries.of(60.0, 61.0));
    Arbitrary<Long> offsets =
        Arbitraries.oneOf(Arbitraries.longs().between(0, 29_999), Arbitraries.of(14_999L, 15_000L));
    return Combinators.combine(values, offsets)
        .as((value, offset) -> new double[] {value, offset})
        .list()
        .ofMinSize(1)
        .ofMaxSize(24)
        .map(
            pairs -> {
              List<Reading> readings = new ArrayList<>();
              for (double[] pair : pairs) {
                readings.add(new Reading(readings.size(), pair[0], (long) pair[1]));
              }
              return readings;
            });
  }
}
