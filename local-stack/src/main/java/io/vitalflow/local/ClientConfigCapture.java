package io.vitalflow.local;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;
import org.apache.kafka.common.metrics.KafkaMetric;
import org.apache.kafka.common.metrics.MetricsReporter;

/**
 * For tests: records the configuration every Kafka client (producer, consumer, admin, Kafka Streams
 * and its internal clients) is built with. Given to a service as {@code
 * spring.kafka.properties.metric.reporters}, it shows which of the clients the service really made
 * received the operator's {@code spring.kafka.*} settings; Kafka hands each metrics reporter the
 * client's own configuration when the client is made.
 */
public final class ClientConfigCapture implements MetricsReporter {

  /** The setting that tells a test's clients from other tests' in the same JVM. */
  public static final String MARKER = "vitalflow.test.marker";

  private static final List<Map<String, Object>> CONFIGS = new CopyOnWriteArrayList<>();

  /**
   * The settings that make a service's clients report here, with a marker of their own; pass them
   * as {@code spring.kafka.properties.*}.
   */
  public static Map<String, String> settings(String marker) {
    return Map.of("metric.reporters", ClientConfigCapture.class.getName(), MARKER, marker);
  }

  public static String newMarker() {
    return UUID.randomUUID().toString();
  }

  /** The configurations of the clients made with {@code marker}, in the order they were made. */
  public static List<Map<String, Object>> configs(String marker) {
    return CONFIGS.stream().filter(config -> marker.equals(config.get(MARKER))).toList();
  }

  /** The client ids of the clients made with {@code marker}. */
  public static Set<String> clientIds(String marker) {
    return Set.copyOf(
        configs(marker).stream().map(config -> String.valueOf(config.get("client.id"))).toList());
  }

  @Override
  public void configure(Map<String, ?> configs) {
    CONFIGS.add(
        Map.copyOf(
            configs.entrySet().stream()
                .filter(entry -> entry.getValue() != null)
                .collect(Collectors.toMap(Map.Entry::getKey, entry -> (Object) entry.getValue()))));
  }

  @Override
  public void init(List<KafkaMetric> metrics) {}

  @Override
  public void metricChange(KafkaMetric metric) {}

  @Override
  public void metricRemoval(KafkaMetric metric) {}

  @Override
  public void close() {}
}
