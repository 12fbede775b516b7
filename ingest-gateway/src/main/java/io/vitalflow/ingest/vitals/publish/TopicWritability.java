package io.vitalflow.ingest.vitals.publish;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Whether {@code acks=all} writes to the readings topic can succeed now, asked of the broker
 * without writing: every partition has a leader and at least {@code min.insync.replicas} in-sync
 * replicas. The health check asks it while the last batch failed, so a gateway that a load balancer
 * (or Kubernetes) took out of rotation, and so gets no batch that could succeed, still comes back
 * once the broker does. At most one question every {@link #EVERY}, each bounded by {@link
 * #TIMEOUT}.
 */
final class TopicWritability implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(TopicWritability.class);

  static final Duration EVERY = Duration.ofSeconds(2);
  static final Duration TIMEOUT = Duration.ofSeconds(2);

  private final Map<String, Object> adminConfig;
  private final String topic;
  private Admin admin;
  private long nextAskNanos;
  private boolean lastAnswer;
  private boolean closed;

  TopicWritability(Map<String, Object> clientConfig, String topic) {
    this.adminConfig = new java.util.HashMap<>(clientConfig);
    this.adminConfig.put(AdminClientConfig.CLIENT_ID_CONFIG, "vitalflow-ingest-health");
    this.adminConfig.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) TIMEOUT.toMillis());
    this.adminConfig.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) TIMEOUT.toMillis());
    this.topic = topic;
  }

  /** Whether writes can succeed, from the last answer when the broker was asked a moment ago. */
  synchronized boolean writable() {
    long now = System.nanoTime();
    if (closed || now < nextAskNanos) {
      return !closed && lastAnswer;
    }
    nextAskNanos = now + EVERY.toNanos();
    lastAnswer = ask();
    return lastAnswer;
  }

  private boolean ask() {
    try {
      if (admin == null) {
        admin = Admin.create(adminConfig);
      }
      TopicDescription description =
          admin
              .describeTopics(List.of(topic))
              .allTopicNames()
              .get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)
              .get(topic);
      ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);
      Config config =
          admin
              .describeConfigs(List.of(resource))
              .all()
              .get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)
              .get(resource);
      ConfigEntry entry =
          config == null ? null : config.get(TopicConfig.MIN_IN_SYNC_REPLICAS_CONFIG);
      int minInSync = entry == null ? 1 : Integer.parseInt(entry.value());
      for (TopicPartitionInfo partition : description.partitions()) {
        if (partition.leader() == null || partition.isr().size() < minInSync) {
          return false;
        }
      }
      return !description.partitions().isEmpty();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    } catch (Exception e) {
      log.debug("Topic {} not writable yet: {}", topic, e.toString());
      return false;
    }
  }

  @Override
  public synchronized void close() {
    closed = true;
    if (admin != null) {
      admin.close(Duration.ofSeconds(2));
      admin = null;
    }
  }
}
