package io.vitalflow.kafka;

import io.vitalflow.schemas.Topic;
import io.vitalflow.schemas.Topics;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.common.errors.TopicExistsException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Creates the catalogue's topics if they are missing; existing topics are left as they are. */
public final class TopicAdmin {

  private static final Logger log = LoggerFactory.getLogger(TopicAdmin.class);

  private TopicAdmin() {}

  /**
   * Creates every topic of {@link Topics#ALL}, each name prefixed with {@code prefix} (empty in
   * production).
   */
  public static void ensureTopics(String bootstrapServers, String prefix, short replicationFactor) {
    ensureTopics(bootstrapServers, prefix, replicationFactor, Topics.ALL);
  }

  public static void ensureTopics(
      String bootstrapServers,
      String prefix,
      short replicationFactor,
      Collection<Topic<?, ?>> topics) {
    ensureTopics(KafkaClients.of(bootstrapServers), prefix, replicationFactor, topics);
  }

  /** Creates the topics with an admin client of the service's {@code spring.kafka.*} settings. */
  public static void ensureTopics(
      KafkaClients clients,
      String prefix,
      short replicationFactor,
      Collection<Topic<?, ?>> topics) {
    try (Admin admin =
        Admin.create(
            clients.admin(Map.of(AdminClientConfig.CLIENT_ID_CONFIG, "vitalflow-topics")))) {
      Set<String> existing = admin.listTopics().names().get(30, TimeUnit.SECONDS);
      List<NewTopic> missing =
          topics.stream()
              .filter(topic -> !existing.contains(prefix + topic.name()))
              .map(
                  topic ->
                      new NewTopic(prefix + topic.name(), topic.partitions(), replicationFactor)
                          .configs(topic.config()))
              .toList();
      if (missing.isEmpty()) {
        log.info("All {} topics exist", topics.size());
        return;
      }
      for (var entry : admin.createTopics(missing).values().entrySet()) {
        try {
          entry.getValue().get(30, TimeUnit.SECONDS);
          log.info("Created topic {}", entry.getKey());
        } catch (ExecutionException e) {
          if (!(e.getCause() instanceof TopicExistsException)) {
            throw new IllegalStateException("Cannot create topic " + entry.getKey(), e.getCause());
          }
        }
      }
      awaitLeaders(admin, missing);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("Interrupted while creating topics", e);
    } catch (ExecutionException | TimeoutException e) {
      throw new IllegalStateException(
          "Cannot reach Kafka at " + clients.bootstrapServers() + " to create topics", e);
    }
  }

  /**
   * Waits until every partition of the new topics answers on its leader. Creating a topic returns
   * once the controller recorded it, a moment before the leaders host the partitions; an idempotent
   * producer that writes in that moment gets NOT_LEADER_OR_FOLLOWER for one batch and, with later
   * batches already in flight, can be left retrying OUT_OF_ORDER_SEQUENCE_NUMBER on that partition
   * until its delivery timeout (seen on a loaded machine). Listing offsets is answered only by the
   * partition's leader, so it succeeds once the partition is writable.
   */
  private static void awaitLeaders(Admin admin, List<NewTopic> topics)
      throws InterruptedException, ExecutionException, TimeoutException {
    // the partitions as created, not as described: describing a topic this early can itself fail
    Map<TopicPartition, OffsetSpec> partitions = new HashMap<>();
    for (NewTopic topic : topics) {
      for (int partition = 0; partition < topic.numPartitions(); partition++) {
        partitions.put(new TopicPartition(topic.name(), partition), OffsetSpec.latest());
      }
    }
    if (partitions.isEmpty()) {
      return;
    }
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (true) {
      try {
        admin.listOffsets(partitions).all().get(30, TimeUnit.SECONDS);
        return;
      } catch (ExecutionException e) {
        if (!(e.getCause() instanceof RetriableException) || System.nanoTime() > deadline) {
          throw e;
        }
        Thread.sleep(50);
      }
    }
  }
}
