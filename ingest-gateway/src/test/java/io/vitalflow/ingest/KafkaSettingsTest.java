package io.vitalflow.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import io.vitalflow.local.ClientConfigCapture;
import java.io.IOException;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The gateway's producer is made from {@code spring.kafka.*}: an operator's TLS and SASL settings
 * reach it, and {@code acks=all} with idempotence cannot be configured away. No broker is needed
 * (and none speaks TLS here): the producer's own configuration is what it was built with.
 */
class KafkaSettingsTest {

  @Test
  void theProducerGetsTlsAndSaslSettingsButKeepsItsGuarantees() throws IOException {
    int closedPort;
    try (ServerSocket socket = new ServerSocket(0)) {
      closedPort = socket.getLocalPort();
    }
    String marker = ClientConfigCapture.newMarker();
    List<String> args =
        new ArrayList<>(
            List.of(
                "--server.port=0",
                "--spring.kafka.bootstrap-servers=127.0.0.1:" + closedPort,
                "--spring.kafka.security.protocol=SSL",
                "--spring.kafka.ssl.protocol=TLSv1.3",
                "--spring.kafka.properties.sasl.mechanism=SCRAM-SHA-512",
                "--spring.kafka.producer.acks=0",
                "--spring.kafka.producer.properties.enable.idempotence=false",
                "--spring.kafka.producer.properties.linger.ms=20"));
    ClientConfigCapture.settings(marker)
        .forEach((key, value) -> args.add("--spring.kafka.properties." + key + "=" + value));

    try (ConfigurableApplicationContext app =
        IngestGatewayApplication.builder().run(args.toArray(String[]::new))) {
      assertThat(app.isRunning()).isTrue();
      assertThat(ClientConfigCapture.configs(marker))
          .singleElement()
          .satisfies(
              config ->
                  assertThat(config)
                      .containsEntry("client.id", "vitalflow-ingest")
                      .containsEntry("bootstrap.servers", List.of("127.0.0.1:" + closedPort))
                      .containsEntry("security.protocol", "SSL")
                      .containsEntry("ssl.protocol", "TLSv1.3")
                      .containsEntry("sasl.mechanism", "SCRAM-SHA-512")
                      .containsEntry("linger.ms", "20")
                      .containsEntry("acks", "all")
                      .containsEntry("enable.idempotence", true));
    }
  }
}
