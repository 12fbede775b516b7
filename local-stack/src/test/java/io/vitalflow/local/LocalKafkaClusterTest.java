package io.vitalflow.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The three-node cluster: topics get three replicas and {@code min.insync.replicas=2} by default, a
 * client without the SCRAM credentials is refused, and an {@code acks=all} write still succeeds
 * after the node leading the most partitions is killed, and after it started again.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class LocalKafkaClusterTest {

  @TempDir static Path dir;
  private LocalKafkaCluster cluster;

  @BeforeAll
  void start() {
    cluster = LocalKafkaCluster.start(dir.resolve("kafka"), "384m");
  }

  @AfterAll
  void stop() {
    if (cluster != null) {
      cluster.close();
    }
  }

  @Test
  void topicsHaveThreeReplicasAndMinIsrTwo() throws Exception {
    try (Admin admin = Admin.create(cluster.clientConfig())) {
      admin
          .createTopics(
              List.of(
                  new NewTopic("defaults", java.util.Optional.empty(), java.util.Optional.empty())))
          .all()
          .get(30, TimeUnit.SECONDS);
      TopicDescription topic =
          admin
              .describeTopics(List.of("defaults"))
              .allTopicNames()
              .get(30, TimeUnit.SECONDS)
              .get("defaults");
      assertThat(topic.partitions()).allSatisfy(p -> assertThat(p.replicas()).hasSize(3));
      ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, "defaults");
      String minIsr =
          admin
              .describeConfigs(List.of(resource))
              .all()
              .get(30, TimeUnit.SECONDS)
              .get(resource)
              .get("min.insync.replicas")
              .value();
      assertThat(minIsr).isEqualTo("2");
    }
  }

  @Test
  void aClientWithoutCredentialsIsRefused() {
    Map<String, Object> plain =
        Map.of(
            AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrapServers(),
            AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 5000,
            AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 2000);
    try (Admin admin = Admin.create(plain)) {
      assertThatThrownBy(() -> admin.listTopics().names().get(10, TimeUnit.SECONDS)).isNotNull();
    }
    Map<String, Object> wrong = new HashMap<>(cluster.clientConfig());
    wrong.put(
        "sasl.jaas.config",
        "org.apache.kafka.common.security.scram.ScramLoginModule required username=\"vitalflow\""
            + " password=\"wrong\";");
    wrong.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 5000);
    wrong.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 2000);
    try (Admin admin = Admin.create(wrong)) {
      assertThatThrownBy(() -> admin.listTopics().names().get(10, TimeUnit.SECONDS))
          .hasRootCauseInstanceOf(org.apache.kafka.common.errors.SaslAuthenticationException.class);
    }
  }

  @Test
  void writesSurviveKillingTheBusiestLeader() throws Exception {
    try (Admin admin = Admin.create(cluster.clientConfig())) {
      admin
          .createTopics(List.of(new NewTopic("survives", 6, (short) 3)))
          .all()
          .get(30, TimeUnit.SECONDS);
    }
    Map<String, Object> config = new HashMap<>(cluster.clientConfig());
    config.put(ProducerConfig.ACKS_CONFIG, "all");
    config.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 60_000);
    int victim = cluster.leaderOfMostPartitions();
    try (KafkaProducer<String, String> producer =
        new KafkaProducer<>(config, new StringSerializer(), new StringSerializer())) {
      producer.send(new ProducerRecord<>("survives", "k", "before")).get(30, TimeUnit.SECONDS);
      cluster.kill(victim);
      assertThat(cluster.isAlive(victim)).isFalse();
      for (int i = 0; i < 12; i++) {
        producer
            .send(new ProducerRecord<>("survives", "k" + i, "during"))
            .get(60, TimeUnit.SECONDS);
      }
      cluster.start(victim);
      producer.send(new ProducerRecord<>("survives", "k", "after")).get(30, TimeUnit.SECONDS);
    }
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (!cluster.fullyReplicated() && System.nanoTime() < deadline) {
      Thread.sleep(500);
    }
    assertThat(cluster.fullyReplicated()).isTrue();
    assertThat(cluster.activeController()).isBetween(1, 3);
  }
}
