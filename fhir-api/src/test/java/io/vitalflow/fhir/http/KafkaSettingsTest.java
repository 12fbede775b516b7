package io.vitalflow.fhir.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.vitalflow.local.ClientConfigCapture;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Every Kafka client the FHIR API makes (topic creation, command sender, command processor with its
 * internal clients, projection consumers) is made from {@code spring.kafka.*}: the operator's TLS
 * and SASL settings reach each one. The local broker speaks plain text, so the test gives settings
 * it does not use.
 */
class KafkaSettingsTest {

  @Test
  void everyClientGetsTheSettings() throws Exception {
    String marker = ClientConfigCapture.newMarker();
    List<String> args =
        new ArrayList<>(
            List.of(
                "--spring.kafka.ssl.protocol=TLSv1.3",
                "--spring.kafka.properties.sasl.mechanism=SCRAM-SHA-512"));
    ClientConfigCapture.settings(marker)
        .forEach((key, value) -> args.add("--spring.kafka.properties." + key + "=" + value));

    try (FhirServer server = FhirServer.start("fhir_kafka_settings", args.toArray(String[]::new))) {
      assertThat(server.app.isRunning()).isTrue();
      long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      while (System.nanoTime() < deadline
          && ClientConfigCapture.clientIds(marker).stream()
              .noneMatch(id -> id.endsWith("-projection-1"))) {
        Thread.sleep(100);
      }

      List<Map<String, Object>> clients = ClientConfigCapture.configs(marker);
      assertThat(clients)
          .allSatisfy(
              config ->
                  assertThat(config)
                      .containsEntry("ssl.protocol", "TLSv1.3")
                      .containsEntry("sasl.mechanism", "SCRAM-SHA-512"));
      assertThat(ClientConfigCapture.clientIds(marker))
          .contains("vitalflow-topics", "vitalflow-fhir-commands")
          .anyMatch(id -> id.endsWith("-StreamThread-1-producer"))
          .anyMatch(id -> id.endsWith("-StreamThread-1-consumer"))
          .anyMatch(id -> id.endsWith("-projection-0"))
          .anyMatch(id -> id.endsWith("-projection-1"));
      assertThat(clients)
          .filteredOn(config -> "vitalflow-fhir-commands".equals(config.get("client.id")))
          .singleElement()
          .satisfies(
              config ->
                  assertThat(config)
                      .containsEntry("acks", "all")
                      .containsEntry("enable.idempotence", true));
    }
  }
}
