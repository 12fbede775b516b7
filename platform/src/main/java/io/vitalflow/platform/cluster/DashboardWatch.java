package io.vitalflow.platform.cluster;

import io.vitalflow.schemas.Alert;
import io.vitalflow.schemas.Topics;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A ward dashboard of the fault scenario: one WebSocket through HAProxy watching the scenario's
 * patients, reconnecting with its resume token whenever the connection ends, as the dashboard page
 * does (docs/dashboard-protocol.md, "Resuming"). It records every alert it was shown: live, in a
 * replay, or in a snapshot. {@link #missing} compares them with the alerts on {@code alerts.v1}.
 */
final class DashboardWatch {

  private static final Logger log = LoggerFactory.getLogger(DashboardWatch.class);
  private static final JsonMapper JSON = JsonMapper.builder().build();

  private final String wsUrl;
  private final Supplier<String> token;
  private final List<String> patients;
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
  private final Set<String> seen = ConcurrentHashMap.newKeySet();
  final AtomicLong connections = new AtomicLong();
  final AtomicLong replays = new AtomicLong();
  final AtomicLong snapshots = new AtomicLong();
  private volatile String resume;
  private volatile boolean running = true;
  private Thread thread;

  DashboardWatch(String dashboardUrl, Supplier<String> token, List<String> patients) {
    this.wsUrl = dashboardUrl.replaceFirst("^http", "ws") + "/api/v1/dashboard/ws";
    this.token = token;
    this.patients = List.copyOf(patients);
  }

  void start() {
    thread = new Thread(this::watch, "fault-dashboard");
    thread.setDaemon(true);
    thread.start();
  }

  void stop() {
    running = false;
    if (thread != null) {
      thread.interrupt();
    }
  }

  /** The ids of every alert shown so far. */
  Set<String> seen() {
    return Set.copyOf(seen);
  }

  private void watch() {
    while (running) {
      CompletableFuture<Void> closed = new CompletableFuture<>();
      try {
        String query =
            "?patients="
                + String.join(",", patients)
                + (resume == null ? "" : "&resume=" + resume.replace(":", "%3A"));
        WebSocket socket =
            http.newWebSocketBuilder()
                .header("Authorization", "Bearer " + token.get())
                .connectTimeout(Duration.ofSeconds(5))
                .buildAsync(URI.create(wsUrl + query), new Frames(closed))
                .get(10, TimeUnit.SECONDS);
        connections.incrementAndGet();
        while (running && !closed.isDone()) {
          try {
            closed.get(1, TimeUnit.SECONDS);
          } catch (java.util.concurrent.TimeoutException stillOpen) {
            // keep watching
          }
        }
        socket.abort();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      } catch (Exception lost) {
        log.debug("Dashboard connection ended: {}", lost.getClass().getSimpleName());
      }
      Fault.pause(Duration.ofMillis(200));
    }
  }

  /** Frames of one connection; text may come in parts. */
  private final class Frames implements WebSocket.Listener {
    private final CompletableFuture<Void> closed;
    private final StringBuilder text = new StringBuilder();
    private String instance;

    Frames(CompletableFuture<Void> closed) {
      this.closed = closed;
    }

    @Override
    public CompletionStage<?> onText(WebSocket socket, CharSequence data, boolean last) {
      text.append(data);
      if (last) {
        frame(JSON.readTree(text.toString()));
        text.setLength(0);
      }
      socket.request(1);
      return null;
    }

    private void frame(JsonNode frame) {
      String type = frame.path("type").asString();
      switch (type) {
        case "subscribed" -> {
          instance = frame.path("instance").asString();
          if ("replayed".equals(frame.path("resume").asString())) {
            replays.incrementAndGet();
          }
        }
        case "snapshot" -> {
          snapshots.incrementAndGet();
          for (JsonNode patient : frame.path("patients")) {
            for (JsonNode alert : patient.path("alerts")) {
              seen.add(alert.path("alertId").asString());
            }
          }
        }
        case "alert" -> seen.add(frame.path("alertId").asString());
        default -> {}
      }
      if (instance != null && frame.has("seq") && !"heartbeat".equals(type)) {
        resume = instance + ":" + frame.path("seq").asLong();
      }
    }

    @Override
    public CompletionStage<?> onClose(WebSocket socket, int status, String reason) {
      closed.complete(null);
      return null;
    }

    @Override
    public void onError(WebSocket socket, Throwable error) {
      closed.complete(null);
    }
  }

  /** An alert on {@code alerts.v1}: when it was raised and what kind. */
  record Raised(String alertId, String patientId, Instant raisedAt, String kind) {}

  /** Every alert on {@code alerts.v1} of these patients (read from the start to the end). */
  static List<Raised> raised(Map<String, Object> kafka, Set<String> patients) {
    Map<String, Object> config = new HashMap<>(kafka);
    config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    config.remove(ConsumerConfig.GROUP_ID_CONFIG);
    List<Raised> raised = new ArrayList<>();
    try (KafkaConsumer<String, byte[]> consumer =
        new KafkaConsumer<>(config, new StringDeserializer(), new ByteArrayDeserializer())) {
      List<TopicPartition> partitions = new ArrayList<>();
      for (PartitionInfo p : consumer.partitionsFor(Topics.ALERTS.name(), Duration.ofSeconds(30))) {
        partitions.add(new TopicPartition(p.topic(), p.partition()));
      }
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      Map<TopicPartition, Long> end = consumer.endOffsets(partitions, Duration.ofSeconds(30));
      long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
      while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p))) {
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException("alerts.v1 not read to its end within 2 minutes");
        }
        for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofSeconds(1))) {
          if (record.value() == null || !patients.contains(record.key())) {
            continue;
          }
          Alert alert = Topics.ALERTS.valueSerde().deserializer().deserialize("", record.value());
          raised.add(
              new Raised(
                  alert.getAlertId(),
                  alert.getPatientId(),
                  alert.getRaisedAt(),
                  alert.getKind().name()));
        }
      }
    }
    return raised;
  }

  /** The raised alerts not shown on the dashboard. */
  static List<Raised> missing(List<Raised> raised, Set<String> seen) {
    return raised.stream().filter(r -> !seen.contains(r.alertId())).toList();
  }
}
