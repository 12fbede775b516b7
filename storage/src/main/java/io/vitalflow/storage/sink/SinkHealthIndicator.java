package io.vitalflow.storage.sink;

import java.time.Duration;
import java.util.List;
import java.util.function.Supplier;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;

/**
 * {@code /actuator/health} of the PostgreSQL sinks of a service: DOWN while a sink's consumer has
 * been failing (or has not polled) for longer than the tolerance, so a load balancer or an
 * orchestrator sees a pipeline that makes no progress; UP again on its own once the sink stores
 * again.
 */
public final class SinkHealthIndicator implements HealthIndicator {

  private final List<Supplier<SinkHealth>> sinks;
  private final Duration tolerance;

  public SinkHealthIndicator(List<Supplier<SinkHealth>> sinks, Duration tolerance) {
    this.sinks = List.copyOf(sinks);
    this.tolerance = tolerance;
  }

  @Override
  public Health health() {
    boolean up = true;
    Health.Builder health = Health.up();
    for (Supplier<SinkHealth> sink : sinks) {
      SinkHealth status = sink.get();
      boolean sinkUp = status.up(tolerance);
      up &= sinkUp;
      health.withDetail(
          status.sink(),
          java.util.Map.of(
              "status",
              sinkUp ? "UP" : "DOWN",
              "failingForSeconds",
              status.failingFor().toSeconds(),
              "sinceLastPollSeconds",
              status.sinceLastPoll().toSeconds(),
              "deadLetters",
              status.deadLetters()));
    }
    return (up ? health : health.down())
        .withDetail("toleranceSeconds", tolerance.toSeconds())
        .build();
  }
}
