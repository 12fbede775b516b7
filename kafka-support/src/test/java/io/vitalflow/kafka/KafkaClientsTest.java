package io.vitalflow.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;
import org.springframework.boot.kafka.autoconfigure.KafkaProperties;

/**
 * {@code spring.kafka.*} reaches every kind of client; the guarantees cannot be configured away.
 */
class KafkaClientsTest {

  /** What an operator of a TLS + SASL cluster writes. */
  static final Map<String, String> SECURED =
      Map.of(
          "spring.kafka.bootstrap-servers", "kafka-1:9093,kafka-2:9093",
          "spring.kafka.security.protocol", "SASL_SSL",
          "spring.kafka.ssl.protocol", "TLSv1.3",
          "spring.kafka.properties.sasl.mechanism", "SCRAM-SHA-512",
          "spring.kafka.properties.ssl.endpoint.identification.algorithm", "https");

  static KafkaClients bind(Map<String, String> settings) {
    KafkaProperties properties =
        new Binder(new MapConfigurationPropertySource(settings))
            .bindOrCreate("spring.kafka", KafkaProperties.class);
    return KafkaClients.of(properties);
  }

  @Test
  void everyKindOfClientGetsTheAddressTlsAndSasl() {
    KafkaClients clients = bind(SECURED);

    Map<String, Object> expected =
        Map.of(
            "bootstrap.servers",
            "kafka-1:9093,kafka-2:9093",
            "security.protocol",
            "SASL_SSL",
            "ssl.protocol",
            "TLSv1.3",
            "sasl.mechanism",
            "SCRAM-SHA-512",
            "ssl.endpoint.identification.algorithm",
            "https");
    for (Map<String, Object> config :
        List.of(
            clients.producer(Map.of()),
            clients.consumer(Map.of()),
            clients.admin(Map.of()),
            DeadLetterProducer.config(clients))) {
      assertThat(config).as("%s", config.keySet()).containsAllEntriesOf(expected);
    }
    Properties streams =
        StreamsSettings.properties(
            StreamsSettings.Options.of("vitals", Path.of("/tmp/s")), clients);
    assertThat(streams).containsAllEntriesOf(expected);
    // a Streams application's helpers (dead letters, progress check) get them from the Streams
    // configuration
    KafkaClients beside = KafkaClients.ofStreamsConfig(streams);
    assertThat(DeadLetterProducer.config(beside)).containsAllEntriesOf(expected);
    assertThat(beside.admin(Map.of())).containsAllEntriesOf(expected);
  }

  @Test
  void clientSpecificSettingsReachOnlyTheirKind() {
    KafkaClients clients =
        bind(
            Map.of(
                "spring.kafka.bootstrap-servers",
                "k:9092",
                "spring.kafka.producer.properties.linger.ms",
                "20",
                "spring.kafka.consumer.properties.fetch.max.bytes",
                "1000",
                "spring.kafka.streams.properties.num.standby.replicas",
                "1"));

    assertThat(clients.producer(Map.of("linger.ms", 5))).containsEntry("linger.ms", "20");
    assertThat(clients.consumer(Map.of()))
        .containsEntry("fetch.max.bytes", "1000")
        .doesNotContainKey("linger.ms");
    assertThat(
            StreamsSettings.properties(StreamsSettings.Options.of("v", Path.of("/tmp/s")), clients))
        .containsEntry("num.standby.replicas", "1");
  }

  @Test
  void guaranteesWinOverTheOperatorsSettings() {
    KafkaClients clients =
        bind(
            Map.of(
                "spring.kafka.bootstrap-servers",
                "k:9092",
                "spring.kafka.producer.acks",
                "0",
                "spring.kafka.producer.properties.enable.idempotence",
                "false",
                "spring.kafka.streams.application-id",
                "other",
                "spring.kafka.streams.properties.processing.guarantee",
                "at_least_once"));

    assertThat(DeadLetterProducer.config(clients))
        .containsEntry(ProducerConfig.ACKS_CONFIG, "all")
        .containsEntry(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    assertThat(
            StreamsSettings.properties(
                StreamsSettings.Options.of("vitals", Path.of("/tmp/s")), clients))
        .containsEntry(StreamsConfig.APPLICATION_ID_CONFIG, "vitals")
        .containsEntry(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
  }
}
