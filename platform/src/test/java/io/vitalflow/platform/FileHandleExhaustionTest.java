package io.vitalflow.platform;

import static org.assertj.core.api.Assertions.assertThat;

import io.vitalflow.kafka.StreamsRunner;
import io.vitalflow.schemas.Alert;
import io.vitalflow.schemas.RiskBand;
import io.vitalflow.schemas.Topics;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.MediaType;
import org.springframework.web.reactive.function.client.WebClient;

/**
 * Issue 12, finding 3: with every file handle of the JVM in use for a while (idle sockets did it in
 * the incident; here files do, to the same EMFILE), the alerting path stalls; once the handles are
 * free again, NEWS2 alerts must flow again on their own, without a restart.
 */
class FileHandleExhaustionTest {

  private static final Logger log = LoggerFactory.getLogger(FileHandleExhaustionTest.class);

  @Test
  void theAlertingPathResumesAfterFileHandlesAreExhaustedAndFreed() throws Exception {
    try (RunningServices services =
        new RunningServices("emfile").startVitalsPath("--vitalflow.processor.stall-timeout=15s")) {
      StreamsRunner vitals = services.processor.getBean("vitalsStreams", StreamsRunner.class);
      assertThat(vitals.health().up()).isTrue();
      WebClient ingest =
          WebClient.builder()
              .baseUrl("http://127.0.0.1:" + services.ingestPort)
              .filter(services.authorization("system/Observation.c"))
              .build();
      post(ingest, "fd-before");
      awaitHighAlert(services, "fd-before", Duration.ofSeconds(60));

      // readings keep coming over an open keep-alive connection while no new file handle can be had
      AtomicBoolean posting = new AtomicBoolean(true);
      Thread traffic =
          new Thread(
              () -> {
                int i = 0;
                while (posting.get()) {
                  try {
                    post(ingest, "fd-during-" + (i++ % 20));
                    Thread.sleep(100);
                  } catch (RuntimeException e) {
                    // refused or failed while exhausted: the device would retry
                  } catch (InterruptedException e) {
                    return;
                  }
                }
              },
              "fd-traffic");
      traffic.start();
      List<FileChannel> held = exhaustFileHandles();
      boolean sawDown = false;
      try {
        log.warn("Holding {} file handles: the JVM has none left", held.size());
        long until = System.nanoTime() + Duration.ofSeconds(25).toNanos();
        while (System.nanoTime() < until) {
          StreamsRunner.Health health = vitals.health();
          if (!health.up()) {
            sawDown = true;
            log.warn("Health while exhausted: DOWN {}", health.details());
          }
          Thread.sleep(250);
        }
      } finally {
        for (FileChannel channel : held) {
          channel.close();
        }
        posting.set(false);
        traffic.join();
      }
      log.warn("File handles free again");
      assertThat(sawDown).as("health DOWN while the stream threads were gone").isTrue();

      long freed = System.nanoTime();
      post(ingest, "fd-after");
      try {
        awaitHighAlert(services, "fd-after", Duration.ofSeconds(120));
      } catch (AssertionError e) {
        // what CI shows of a failure is this message: say where the stream stood
        throw new AssertionError(e.getMessage() + "; streams " + vitals.health().details(), e);
      }
      log.warn(
          "Alerting resumed {} ms after the file handles were freed",
          (System.nanoTime() - freed) / 1_000_000);
      long upBy = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      while (!vitals.health().up() && System.nanoTime() < upBy) {
        Thread.sleep(250);
      }
      assertThat(vitals.health().up())
          .as("health UP again: %s", vitals.health().details())
          .isTrue();
    }
  }

  /** Opens /dev/null until the JVM gets EMFILE ("Too many open files"). */
  private static List<FileChannel> exhaustFileHandles() {
    List<FileChannel> held = new ArrayList<>();
    try {
      while (true) {
        held.add(FileChannel.open(Path.of("/dev/null"), StandardOpenOption.READ));
      }
    } catch (IOException e) {
      assertThat(e).hasMessageContaining("Too many open files");
    }
    return held;
  }

  private static void post(WebClient ingest, String patient) {
    Instant now = Instant.now().minusSeconds(1);
    String body =
        String.join(
                "\n",
                reading(patient, "9279-1", 26, "/min", now),
                reading(patient, "59408-5", 90, "%", now),
                reading(patient, "8480-6", 88, "mm[Hg]", now),
                reading(patient, "8867-4", 135, "/min", now),
                reading(patient, "8310-5", 39.4, "Cel", now))
            + "\n";
    ingest
        .post()
        .uri("/api/v1/vitals")
        .contentType(MediaType.parseMediaType("application/x-ndjson"))
        .bodyValue(body)
        .retrieve()
        .toBodilessEntity()
        .block(Duration.ofSeconds(10));
  }

  private static String reading(
      String patient, String code, double value, String unit, Instant time) {
    return """
        {"patientId":"%s","deviceId":"m1","code":"%s","value":%s,"unit":"%s","effectiveTime":"%s"}"""
        .formatted(patient, code, value, unit, time);
  }

  private static void awaitHighAlert(RunningServices services, String patient, Duration within) {
    try (var consumer =
        new KafkaConsumer<>(
            Map.<String, Object>of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                services.stack.kafkaBootstrap(),
                ConsumerConfig.GROUP_ID_CONFIG,
                "emfile-" + System.nanoTime(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG,
                "earliest",
                ConsumerConfig.ISOLATION_LEVEL_CONFIG,
                "read_committed"),
            new ByteArrayDeserializer(),
            new ByteArrayDeserializer())) {
      consumer.subscribe(List.of(services.topic(Topics.ALERTS.name())));
      long deadline = System.nanoTime() + within.toNanos();
      while (System.nanoTime() < deadline) {
        for (var record : consumer.poll(Duration.ofMillis(200))) {
          Alert alert = Topics.ALERTS.valueSerde().deserializer().deserialize("t", record.value());
          if (alert.getPatientId().equals(patient) && alert.getBand() == RiskBand.HIGH) {
            return;
          }
        }
      }
    }
    throw new AssertionError("No HIGH NEWS2 alert for " + patient + " within " + within);
  }
}
