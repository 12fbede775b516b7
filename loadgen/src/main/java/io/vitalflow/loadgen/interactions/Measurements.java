package io.vitalflow.loadgen.interactions;

import io.vitalflow.loadgen.engine.LoadResult;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Everything one {@code interactions} run measured; a part that was not run or failed has an empty
 * list (or no HTTP result) and, when it failed, a line in {@code failures}.
 */
record Measurements(
    List<JmhMeasurement> hot,
    List<JmhMeasurement> cold,
    List<JmhMeasurement> reload,
    LoadResult http,
    List<String> failures) {

  Measurements {
    hot = List.copyOf(hot);
    cold = List.copyOf(cold);
    reload = List.copyOf(reload);
    failures = List.copyOf(failures);
  }

  /** Every JMH measurement: hot path, cold start, reload. */
  List<JmhMeasurement> jmh() {
    return Stream.of(hot, cold, reload).flatMap(List::stream).toList();
  }

  /**
   * The hot-path measurement of {@code implementation} ({@code plugin AOT}) with {@code
   * medications} meds.
   */
  Optional<JmhMeasurement> hot(int medications, String implementation) {
    String name = "hot " + medications + " meds: " + implementation;
    return hot.stream().filter(m -> m.operation().equals(name)).findFirst();
  }

  Optional<JmhMeasurement> coldStart() {
    return cold.stream().findFirst();
  }

  Optional<JmhMeasurement> reloaded() {
    return reload.stream().findFirst();
  }
}
