package io.vitalflow.dashboard;

import static org.assertj.core.api.Assertions.assertThat;

import io.vitalflow.local.ClientConfigCapture;
import io.vitalflow.local.LocalStack;
import io.vitalflow.storage.PostgresCoordinates;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The live feed's consumer is made from {@code spring.kafka.*}: the operator's TLS and SASL
 * settings reach it (the local broker speaks plain text, so the test gives settings it does not
 * use), and it still reads only committed records without committing offsets, whatever the settings
 * say.
 */
class KafkaSettingsTest {

  @Test
  void theFeedConsumerGetsTheSettingsButKeepsItsGuarantees() {
    LocalStack stack = LocalStack.shared();
    PostgresCoordinates database = stack.freshDatabase("dashboard_settings");
    String marker = ClientConfigCapture.newMarker();
    List<String> args =
        new ArrayList<>(
            List.of(
                "--server.port=0",
                "--spring.r2dbc.url=" + database.r2dbcUrl(),
                "--spring.r2dbc.username=" + database.user(),
                "--spring.r2dbc.password=" + database.password(),
                "--spring.kafka.bootstrap-servers=" + stack.kafkaBootstrap(),
                "--vitalflow.dashboard.topic-prefix=" + stack.freshTopicPrefix(),
                "--spring.kafka.ssl.protocol=TLSv1.3",
                "--spring.kafka.properties.sasl.mechanism=SCRAM-SHA-512",
                "--spring.kafka.consumer.isolation-level=read-uncommitted",
                "--spring.kafka.consumer.enable-auto-commit=true",
                "--spring.kafka.consumer.max-poll-records=123"));
    ClientConfigCapture.settings(marker)
        .forEach((key, value) -> args.add("--spring.kafka.properties." + key + "=" + value));

    try (ConfigurableApplicationContext app =
        DashboardPushApplication.builder().run(args.toArray(String[]::new))) {
      assertThat(app.isRunning()).isTrue();
      assertThat(ClientConfigCapture.configs(marker))
          .singleElement()
          .satisfies(
              config ->
                  assertThat(config)
                      .hasEntrySatisfying(
                          "client.id",
                          id -> assertThat(id).asString().startsWith("dashboard-push-"))
                      .containsEntry("ssl.protocol", "TLSv1.3")
                      .containsEntry("sasl.mechanism", "SCRAM-SHA-512")
                      .containsEntry("max.poll.records", 123)
                      .containsEntry("isolation.level", "read_committed")
                      .containsEntry("enable.auto.commit", "false"));
    }
  }
}
