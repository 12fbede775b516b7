package io.vitalflow.processor.sink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.opentelemetry.sdk.trace.data.LinkData;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.vitalflow.kafka.KafkaClients;
import io.vitalflow.local.LocalStack;
import io.vitalflow.processor.topology.RawReadingCheck;
import io.vitalflow.processor.topology.TestTracing;
import io.vitalflow.schemas.Loinc;
import io.vitalflow.schemas.Topics;
import io.vitalflow.schemas.VitalSign;
import io.vitalflow.storage.PostgresCoordinates;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

/**
 * The readings sink on a real broker and PostgreSQL writes a batch of traced readings in one span:
 * the child of one reading's trace, linking the others'; untraced readings add nothing.
 */
class VitalsSinkTracingTest {

  private static final Instant NOW = Instant.now().truncatedTo(ChronoUnit.MILLIS);
  private final LocalStack stack = LocalStack.shared();

  @Test
  void aBatchIsWrittenInASpanOfItsReadingsTraces() throws Exception {
    String prefix = stack.freshTopicPrefix();
    PostgresCoordinates database = stack.freshDatabase("sink_tracing");
    try (TestTracing traces = new TestTracing()) {
      Headers first = traces.upstream();
      Headers second = traces.upstream();
      try (var producer = producer()) {
        // one partition's worth: the same patient, so one consumer's batch holds all three
        send(producer, prefix, "r1", first);
        send(producer, prefix, "r2", second);
        send(producer, prefix, "r3", new RecordHeaders());
        producer.flush();
      }
      Set<String> upstreamTraces = new HashSet<>();
      traces.spans().forEach(span -> upstreamTraces.add(span.getTraceId()));

      try (var sink =
          new VitalsSink(
              KafkaClients.of(stack.kafkaBootstrap()),
              database.dataSource(),
              new SinkSettings(
                  SinkSettings.Streams.READINGS,
                  "sink-tracing",
                  prefix,
                  300,
                  Duration.ofMillis(200),
                  1,
                  Duration.ofSeconds(10)),
              new SimpleMeterRegistry(),
              new RawReadingCheck(Duration.ofMinutes(5)),
              traces.tracing)) {
        sink.start();
        await()
            .atMost(Duration.ofSeconds(60))
            .until(() -> VitalsSinkTest.count(database, "select count(*) from vital_reading") == 3);
      }

      List<SpanData> writes =
          traces.spans().stream()
              .filter(span -> span.getName().equals("sink readings write"))
              .toList();
      assertThat(writes).isNotEmpty();
      Set<String> reached = new HashSet<>();
      for (SpanData write : writes) {
        assertThat(upstreamTraces).contains(write.getTraceId());
        reached.add(write.getTraceId());
        write.getLinks().stream()
            .map(LinkData::getSpanContext)
            .forEach(link -> reached.add(link.getTraceId()));
      }
      assertThat(reached).as("every traced reading's trace").isEqualTo(upstreamTraces);
    }
  }

  private static void send(
      KafkaProducer<String, byte[]> producer, String prefix, String id, Headers headers) {
    VitalSign reading =
        new VitalSign(id, "p-trace", "d1", Loinc.HEART_RATE, 70.0, "/min", NOW, NOW);
    producer.send(
        new ProducerRecord<>(
            prefix + Topics.VITALS_RAW.name(),
            null,
            reading.getPatientId(),
            Topics.VITALS_RAW.valueSerde().serializer().serialize("t", reading),
            headers));
  }

  private KafkaProducer<String, byte[]> producer() {
    return new KafkaProducer<>(
        Map.of(
            ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
            stack.kafkaBootstrap(),
            ProducerConfig.ACKS_CONFIG,
            "all"),
        new StringSerializer(),
        new ByteArraySerializer());
  }
}
