package io.vitalflow.ingest.vitals;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.vitalflow.ingest.vitals.parse.RejectReason;
import io.vitalflow.ingest.vitals.parse.Rejection;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.springframework.stereotype.Component;

/**
 * The gateway's own meters (Prometheus names in brackets):
 *
 * <ul>
 *   <li>{@code vitalflow.ingest.readings.accepted} [vitalflow_ingest_readings_accepted_total]:
 *       readings the broker acknowledged;
 *   <li>{@code vitalflow.ingest.readings.rejected} [..._rejected_total{reason}]: readings rejected,
 *       by {@link RejectReason} tag;
 *   <li>{@code vitalflow.ingest.produce.latency} [..._produce_latency_seconds{outcome}]: from the
 *       first send of a request to the broker's last acknowledgement (or the failure);
 *   <li>{@code vitalflow.ingest.batch.size} [..._batch_size_readings]: items per request.
 * </ul>
 */
@Component
final class IngestMetrics {

  private final Counter accepted;
  private final Map<RejectReason, Counter> rejected = new EnumMap<>(RejectReason.class);
  private final Timer produceSuccess;
  private final Timer produceFailure;
  private final DistributionSummary batchSize;

  IngestMetrics(MeterRegistry registry) {
    accepted =
        Counter.builder("vitalflow.ingest.readings.accepted")
            .description("Readings acknowledged by the broker")
            .register(registry);
    for (RejectReason reason : RejectReason.values()) {
      rejected.put(
          reason,
          Counter.builder("vitalflow.ingest.readings.rejected")
              .description("Readings rejected by validation")
              .tag("reason", reason.tag())
              .register(registry));
    }
    produceSuccess = produceTimer(registry, "success");
    produceFailure = produceTimer(registry, "failure");
    batchSize =
        DistributionSummary.builder("vitalflow.ingest.batch.size")
            .description("Items (readings, lines, entries) per request")
            .baseUnit("readings")
            .serviceLevelObjectives(1, 10, 100, 500, 1_000, 5_000, 10_000)
            .register(registry);
  }

  void batch(int items) {
    batchSize.record(items);
  }

  void accepted(int count) {
    accepted.increment(count);
  }

  void rejected(List<Rejection> rejections) {
    for (Rejection rejection : rejections) {
      rejected.get(rejection.kind()).increment();
    }
  }

  void produced(long nanos, boolean success) {
    (success ? produceSuccess : produceFailure).record(nanos, TimeUnit.NANOSECONDS);
  }

  private static Timer produceTimer(MeterRegistry registry, String outcome) {
    return Timer.builder("vitalflow.ingest.produce.latency")
        .description(
            "From sending a request's readings to the broker's acknowledgement of all of them")
        .tag("outcome", outcome)
        .publishPercentileHistogram()
        .register(registry);
  }
}
