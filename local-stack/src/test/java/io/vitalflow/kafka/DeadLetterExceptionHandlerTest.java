package io.vitalflow.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vitalflow.local.LocalStack;
import io.vitalflow.schemas.Topic;
import io.vitalflow.schemas.Topics;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Produced;
import org.junit.jupiter.api.Test;

/**
 * A record that makes a processor throw goes to its dead-letter topic; the records behind it are
 * processed.
 */
class DeadLetterExceptionHandlerTest {

  private final LocalStack stack = LocalStack.shared();

  @Test
  void aRecordThatFailsProcessingIsSetAsideAndTheStreamGoesOn() throws Exception {
    String prefix = "t" + UUID.randomUUID().toString().substring(0, 8) + ".";
    var in = new Topic<>("handler.in.v1", 1, Map.of(), Serdes.String(), Serdes.String());
    var out = new Topic<>("handler.out.v1", 1, Map.of(), Serdes.String(), Serdes.String());
    var dead = new Topic<>(in.deadLetterName(), 1, Map.of(), Serdes.String(), Serdes.String());
    TopicAdmin.ensureTopics(stack.kafkaBootstrap(), prefix, (short) 1, List.of(in, out, dead));

    StreamsBuilder builder = new StreamsBuilder();
    builder.stream(prefix + in.name(), Consumed.with(Serdes.String(), Serdes.String()))
        .mapValues(
            value -> {
              if (value.startsWith("poison")) {
                throw new IllegalArgumentException("cannot use " + value);
              }
              return value.toUpperCase();
            })
        .to(prefix + out.name(), Produced.with(Serdes.String(), Serdes.String()));
    Properties properties =
        StreamsSettings.properties(
            StreamsSettings.Options.of(prefix + "handler", Files.createTempDirectory("streams"))
                .withReplicationFactor(1)
                .withStreamThreads(1)
                .withCommitInterval(Duration.ofMillis(100)),
            KafkaClients.of(stack.kafkaBootstrap()));

    StreamsRunner runner =
        new StreamsRunner(builder.build(), properties, new SimpleMeterRegistry());
    runner.start();
    try {
      send(prefix + in.name(), "a", "poison-secret", "b");
      List<ConsumerRecord<String, String>> processed = read(prefix + out.name(), 2);
      assertThat(processed).extracting(ConsumerRecord::value).containsExactly("A", "B");
      List<ConsumerRecord<String, String>> letters = read(prefix + dead.name(), 1);
      assertThat(letters.get(0).value()).isEqualTo("poison-secret");
      String error =
          new String(
              letters.get(0).headers().lastHeader(Topics.DLQ_HEADER_ERROR).value(),
              StandardCharsets.UTF_8);
      assertThat(error).contains("IllegalArgumentException").doesNotContain("secret");
      assertThat(
              new String(
                  letters.get(0).headers().lastHeader(Topics.DLQ_HEADER_SOURCE).value(),
                  StandardCharsets.UTF_8))
          .isEqualTo(prefix + in.name() + "-0@1");
      assertThat(runner.state().isRunningOrRebalancing()).isTrue();
    } finally {
      runner.stop();
    }
  }

  private void send(String topic, String... values) throws Exception {
    Properties properties = new Properties();
    properties.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.kafkaBootstrap());
    try (var producer =
        new KafkaProducer<>(properties, new StringSerializer(), new StringSerializer())) {
      for (String value : values) {
        producer.send(new ProducerRecord<>(topic, "k", value)).get();
      }
    }
  }

  private List<ConsumerRecord<String, String>> read(String topic, int expected) {
    Properties properties = new Properties();
    properties.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.kafkaBootstrap());
    properties.put(ConsumerConfig.GROUP_ID_CONFIG, "reader-" + UUID.randomUUID());
    properties.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    properties.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    List<ConsumerRecord<String, String>> records = new ArrayList<>();
    try (var consumer =
        new KafkaConsumer<>(properties, new StringDeserializer(), new StringDeserializer())) {
      consumer.subscribe(List.of(topic));
      long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
      while (records.size() < expected && System.nanoTime() < deadline) {
        consumer.poll(Duration.ofMillis(200)).forEach(records::add);
      }
    }
    assertThat(records).hasSize(expected);
    return records;
  }
}
