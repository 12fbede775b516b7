package io.vitalflow.kafka;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.errors.TopicExistsException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.vitalflow.schemas.Topic;
import io.vitalflow.schemas.Topics;

/** Creates the catalogue's topics if they are missing; existing topics are left as they are. */
public final class TopicAdmin {

  private static final Logger log = LoggerFactory.getLogger(TopicAdmin.class);

  private TopicAdmin() {
  }

  /** Creates every topic of {@link Topics#ALL}, each name prefixed with {@code prefix} (empty in production). */
  public static void ensureTopics(String bootstrapServers, String prefix, short replicationFactor) {
    ensureTopics(bootstrapServers, prefix, replicationFactor, Topics.ALL);
  }

  public static void ensureTopics(String bootstrapServers, String prefix, short replicationFactor,
      Collection<Topic<?, ?>> topics) {
    ensureTopics(KafkaClients.of(bootstrapServers), prefix, replicationFactor, topics);
  }

  /** Creates the topics with an admin client of the service's {@code spring.kafka.*} settings. */
  public static void ensureTopics(KafkaClients clients, String prefix, short replicationFactor,
      Collection<Topic<?, ?>> topics) {
    try (Admin admin = Admin.create(clients.admin(Map.of(AdminClientConfig.CLIENT_ID_CONFIG, "vitalflow-topics")))) {
      Set<String> existing = admin.listTopics().names().get(30, TimeUnit.SECONDS);
      List<NewTopic> missing = topics.stream()
          .filter(topic -> !existing.contains(prefix + topic.name()))
          .map(topic -> new NewTopic(prefix + topic.name(), topic.partitions(), replicationFactor)
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
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("Interrupted while creating topics", e);
    } catch (ExecutionException | TimeoutException e) {
      throw new IllegalStateException("Cannot reach Kafka at " + clients.bootstrapServers() + " to create topics", e);
    }
  }
}
