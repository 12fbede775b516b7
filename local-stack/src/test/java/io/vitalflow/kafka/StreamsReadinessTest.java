package io.vitalflow.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vitalflow.local.LocalStack;
import io.vitalflow.schemas.Topic;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Produced;
import org.junit.jupiter.api.Test;
import org.springframework.boot.health.contributor.Status;

/**
 * On a real broker: a Streams application is ready only while RUNNING, and on stop it leaves its
 * consumer group at once instead of a session timeout later (docs/deployment.md).
 */
class StreamsReadinessTest {

  private final LocalStack stack = LocalStack.shared();

  @Test
  void readyOnlyWhileRunningAndGoneFromTheGroupOnStop() throws Exception {
    String prefix = "t" + UUID.randomUUID().toString().substring(0, 8) + ".";
    var in = new Topic<>("ready.in.v1", 2, Map.of(), Serdes.String(), Serdes.String());
    var out = new Topic<>("ready.out.v1", 2, Map.of(), Serdes.String(), Serdes.String());
    TopicAdmin.ensureTopics(stack.kafkaBootstrap(), prefix, (short) 1, List.of(in, out));
    StreamsBuilder builder = new StreamsBuilder();
    builder.stream(prefix + in.name(), Consumed.with(Serdes.String(), Serdes.String()))
        .to(prefix + out.name(), Produced.with(Serdes.String(), Serdes.String()));
    String applicationId = prefix + "ready";
    Properties properties =
        StreamsSettings.properties(
            StreamsSettings.Options.of(applicationId, Files.createTempDirectory("ready-"))
                .withReplicationFactor(1)
                .withStreamThreads(1),
            KafkaClients.of(stack.kafkaBootstrap()));
    // a long session: without leaving on close the member would stay a minute
    StreamsSettings.sessionTimeout(properties, Duration.ofSeconds(60));
    StreamsRunner runner =
        new StreamsRunner(builder.build(), properties, new SimpleMeterRegistry());
    StreamsReadiness readiness = new StreamsReadiness(runner);

    assertThat(readiness.health().getStatus()).isEqualTo(StreamsReadiness.NOT_READY);
    runner.start();
    try {
      // joining the group is a rebalance: not ready, while health counts it as up
      assertThat(readiness.health().getStatus()).isEqualTo(StreamsReadiness.NOT_READY);
      assertThat(readiness.health().getDetails()).containsEntry("state", "REBALANCING");
      await()
          .atMost(Duration.ofSeconds(60))
          .until(() -> readiness.health().getStatus().equals(Status.UP));
      try (Admin admin = admin()) {
        assertThat(members(admin, applicationId)).isEqualTo(1);
      }
    } finally {
      runner.stop();
    }
    assertThat(readiness.health().getStatus()).isEqualTo(StreamsReadiness.NOT_READY);
    try (Admin admin = admin()) {
      assertThat(members(admin, applicationId)).isZero();
    }
  }

  private Admin admin() {
    return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, stack.kafkaBootstrap()));
  }

  private static int members(Admin admin, String group) throws Exception {
    return admin.describeConsumerGroups(List.of(group)).all().get().get(group).members().size();
  }
}
