package io.vitalflow.platform;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.vitalflow.schemas.Loinc;
import io.vitalflow.schemas.Topics;
import io.vitalflow.schemas.VitalSign;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

/**
 * Kill the processor (Streams and sink) with SIGKILL in the middle of a stream of acknowledged
 * readings, start it again, and every acknowledged reading is stored exactly once, and counted
 * exactly once in the window aggregates.
 */
class CrashRecoveryTest {

  private static final int READINGS = 40_000;

  @Test
  void killedMidStreamThenRestartedStoresEveryAcknowledgedReadingExactlyOnce() throws Exception {
    try (RunningServices services = new RunningServices("crash")) {
      Path stateDir = services.newStateDir();
      Path log = Files.createTempFile("crash-processor-", ".log");
      AtomicLong acknowledged = new AtomicLong();
      Process processor = startProcessor(services, stateDir, log);
      CompletableFuture<Void> producing =
          CompletableFuture.runAsync(() -> produce(services, acknowledged));
      try {
        await()
            .atMost(Duration.ofSeconds(120))
            .until(() -> Db.count(services.database, "select count(*) from vital_reading") > 2_000);
        processor.destroyForcibly().waitFor();
        long storedAtCrash = Db.count(services.database, "select count(*) from vital_reading");
        assertThat(storedAtCrash).isLessThan(READINGS);

        processor = startProcessor(services, stateDir, log);
        producing.get();
        assertThat(acknowledged.get()).isEqualTo(READINGS);
        await()
            .atMost(Duration.ofSeconds(180))
            .until(
                () ->
                    Db.count(services.database, "select count(*) from vital_reading") >= READINGS);
        await()
            .atMost(Duration.ofSeconds(120))
            .until(
                () ->
                    Db.count(
                            services.database,
                            "select coalesce(sum(count), 0) from vital_aggregate_1h")
                        >= READINGS);
        Thread.sleep(2_000); // anything duplicated would show up by now

        assertThat(Db.count(services.database, "select count(*) from vital_reading"))
            .isEqualTo(READINGS);
        assertThat(
                Db.count(services.database, "select count(distinct reading_id) from vital_reading"))
            .isEqualTo(READINGS);
        assertThat(Db.count(services.database, "select sum(count) from vital_aggregate_1h"))
            .as("exactly-once aggregation across the crash")
            .isEqualTo(READINGS);
      } finally {
        processor.destroyForcibly().waitFor();
      }
    }
  }

  private static Process startProcessor(RunningServices services, Path stateDir, Path log)
      throws IOException {
    List<String> command =
        new ArrayList<>(
            List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx512m",
                "-cp",
                System.getProperty("java.class.path"),
                "io.vitalflow.processor.VitalsProcessorApplication"));
    command.addAll(List.of(services.processorArgs(stateDir)));
    command.add("--vitalflow.processor.sink-batch-records=500");
    return new ProcessBuilder(command)
        .redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
        .start();
  }

  /** Produces the readings at a steady pace with acks=all, counting each acknowledged one. */
  private static void produce(RunningServices services, AtomicLong acknowledged) {
    Instant start = Instant.now().minusSeconds(60);
    try (var producer =
        new KafkaProducer<>(
            Map.<String, Object>of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                services.stack.kafkaBootstrap(),
                ProducerConfig.ACKS_CONFIG,
                "all",
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG,
                true),
            new StringSerializer(),
            Topics.VITALS_RAW.valueSerde().serializer())) {
      for (int i = 0; i < READINGS; i++) {
        String patient = "crash-" + (i % 200);
        VitalSign reading =
            new VitalSign(
                "c" + i,
                patient,
                "d",
                Loinc.HEART_RATE,
                60.0 + i % 40,
                "/min",
                start.plusMillis(i),
                Instant.now());
        producer.send(
            new ProducerRecord<>(services.topic(Topics.VITALS_RAW.name()), patient, reading),
            (metadata, error) -> {
              if (error == null) {
                acknowledged.incrementAndGet();
              }
            });
        if (i % 1000 == 999) {
          producer.flush();
          Thread.sleep(1_000);
        }
      }
      producer.flush();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
