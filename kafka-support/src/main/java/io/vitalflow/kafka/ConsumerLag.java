package io.vitalflow.kafka;

import java.util.Map;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;

/**
 * The lag of a consumer group's consumers in this instance, as Kafka's own clients measure it: the
 * largest {@code records-lag-max} (records between a partition's position and its end, the worst
 * partition over the last sample window) of the consumers that read the group's input. Restore
 * consumers of Kafka Streams are left out: they catch up on changelogs, not on input.
 *
 * <p>Read for the gauge {@code vitalflow.consumer.lag{group}} ({@code
 * vitalflow_consumer_lag_records}) of every sink and Streams application: one name for "is this
 * group keeping up" across services, where Kafka's per-client metrics are named by random client
 * ids and the sinks' offsets are not committed to Kafka at all (they live in PostgreSQL).
 */
public final class ConsumerLag {

  /** The micrometer meter name. */
  public static final String METER = "vitalflow.consumer.lag";

  private ConsumerLag() {}

  /**
   * The largest {@code records-lag-max} among {@code metrics} (a client's {@code metrics()}); NaN
   * when no consumer has fetched yet.
   */
  public static double of(Map<MetricName, ? extends Metric> metrics) {
    double lag = Double.NaN;
    for (Map.Entry<MetricName, ? extends Metric> entry : metrics.entrySet()) {
      MetricName name = entry.getKey();
      if (!"records-lag-max".equals(name.name())
          || !"consumer-fetch-manager-metrics".equals(name.group())
          || name.tags().containsKey("topic")
          || name.tags().getOrDefault("client-id", "").endsWith("restore-consumer")) {
        continue;
      }
      if (entry.getValue().metricValue() instanceof Number value
          && !Double.isNaN(value.doubleValue())
          && (Double.isNaN(lag) || value.doubleValue() > lag)) {
        lag = value.doubleValue();
      }
    }
    return lag;
  }
}
