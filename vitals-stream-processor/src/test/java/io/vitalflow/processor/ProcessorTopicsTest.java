package io.vitalflow.processor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.vitalflow.kafka.StreamsReadiness;
import io.vitalflow.local.LocalStack;
import io.vitalflow.schemas.Topic;
import io.vitalflow.schemas.Topics;
import io.vitalflow.storage.PostgresCoordinates;
import java.nio.file.Files;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.TopicDescription;
import org.junit.jupiter.api.Test;
import org.springframework.boot.health.contributor.Status;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * A processor started on its own, on a broker without VitalFlow's topics, creates the catalogue
 * with its partitions and runs on it (docs/deployment.md, "Running each service on its own").
 */
class ProcessorTopicsTest {

  private final LocalStack stack = LocalStack.shared();

  @Test
  void createsTheCatalogueTopicsItNeedsAndBecomesReady() throws Exception {
    // a prefix nobody created topics for (LocalStack.freshTopicPrefix would create them)
    String prefix = "p" + UUID.randomUUID().toString().substring(0, 8) + ".";
    PostgresCoordinates database = stack.freshDatabase("processor-topics");
    String[] args = {
      "--server.port=0",
      "--spring.kafka.bootstrap-servers=" + stack.kafkaBootstrap(),
      "--spring.datasource.url=" + database.jdbcUrl(),
      "--spring.datasource.username=" + database.user(),
      "--spring.datasource.password=" + database.password(),
      "--vitalflow.processor.topic-prefix=" + prefix,
      "--vitalflow.processor.application-id=" + prefix + "topics",
      "--vitalflow.processor.state-dir=" + Files.createTempDirectory("streams-"),
      "--vitalflow.audit.topic-prefix=" + prefix
    };
    try (ConfigurableApplicationContext context = VitalsProcessorApplication.builder().run(args);
        Admin admin =
            Admin.create(
                Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, stack.kafkaBootstrap()))) {
      Map<String, TopicDescription> created =
          admin
              .describeTopics(Topics.ALL.stream().map(topic -> prefix + topic.name()).toList())
              .allTopicNames()
              .get();
      for (Topic<?, ?> topic : Topics.ALL) {
        assertThat(created.get(prefix + topic.name()).partitions())
            .as(topic.name())
            .hasSize(topic.partitions());
      }
      StreamsReadiness vitals = context.getBean("streamsReadiness", StreamsReadiness.class);
      await()
          .atMost(Duration.ofSeconds(90))
          .until(() -> vitals.health().getStatus().equals(Status.UP));
    }
  }
}
