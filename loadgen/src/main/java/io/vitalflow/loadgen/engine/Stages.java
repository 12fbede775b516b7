package io.vitalflow.loadgen.engine;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * k6-style stages: each ramps the number of virtual users linearly from the previous stage's target
 * (0 before the first) to its own target over its duration. Written {@code 30s:200,120s:200,10s:0}.
 */
public record Stages(List<Stage> stages) {

  public record Stage(Duration duration, int target) {}

  public Stages {
    if (stages.isEmpty()) {
      throw new IllegalArgumentException("--stages: at least one stage is needed");
    }
    stages = List.copyOf(stages);
  }

  public static Stages parse(String text) {
    List<Stage> stages = new ArrayList<>();
    for (String part : text.split(",", -1)) {
      int colon = part.indexOf(':');
      if (colon < 0) {
        throw new IllegalArgumentException(
            "--stages: '" + part + "' is not DURATION:TARGET (e.g. 30s:200)");
      }
      Duration duration = FlagValues.duration("--stages duration", part.substring(0, colon).trim());
      int target = FlagValues.nonNegativeInt("--stages target", part.substring(colon + 1).trim());
      stages.add(new Stage(duration, target));
    }
    return new Stages(stages);
  }

  public Duration total() {
    return stages.stream().map(Stage::duration).reduce(Duration.ZERO, Duration::plus);
  }

  public int peak() {
    return stages.stream().mapToInt(Stage::target).max().orElse(0);
  }

  /**
   * The number of virtual users wanted {@code elapsedNanos} after the start; the last target after
   * the end.
   */
  public int targetAt(long elapsedNanos) {
    int previous = 0;
    long stageStart = 0;
    for (Stage stage : stages) {
      long length = stage.duration().toNanos();
      if (elapsedNanos < stageStart + length) {
        double fraction = (double) Math.max(0, elapsedNanos - stageStart) / length;
        return (int) Math.round(previous + (stage.target() - previous) * fraction);
      }
      previous = stage.target();
      stageStart += length;
    }
    return previous;
  }

  @Override
  public String toString() {
    StringBuilder text = new StringBuilder();
    for (Stage stage : stages) {
      text.append(text.isEmpty() ? "" : ",")
          .append(
              stage.duration().toMillis() % 1000 == 0
                  ? stage.duration().toSeconds() + "s"
                  : stage.duration().toMillis() + "ms")
          .append(':')
          .append(stage.target());
    }
    return text.toString();
  }
}
