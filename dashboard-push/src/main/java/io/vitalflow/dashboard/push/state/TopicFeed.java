package io.vitalflow.dashboard.push.state;

import io.micrometer.tracing.Span;
import io.micrometer.tracing.Tracer;
import io.vitalflow.dashboard.DashboardProperties;
import io.vitalflow.dashboard.push.PushMetrics;
import io.vitalflow.dashboard.push.protocol.Payloads;
import io.vitalflow.dashboard.push.protocol.Payloads.AggregateValue;
import io.vitalflow.dashboard.push.protocol.Payloads.AlertValue;
import io.vitalflow.dashboard.push.protocol.Payloads.News2Value;
import io.vitalflow.dashboard.push.protocol.Payloads.VitalValue;
import io.vitalflow.kafka.RecordTracing;
import io.vitalflow.schemas.Alert;
import io.vitalflow.schemas.News2Score;
import io.vitalflow.schemas.Topic;
import io.vitalflow.schemas.Topics;
import io.vitalflow.schemas.VitalAggregate;
import io.vitalflow.schemas.VitalSign;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.kafka.autoconfigure.KafkaProperties;

/**
 * This instance's own reader of the derived topics: every partition assigned (no consumer group, so
 * every instance sees everything and serves only its own connections). At start it reads back
 * {@code state-lookback} (NEWS2, alerts) or {@link #VITALS_LOOKBACK} (readings, aggregates) to
 * rebuild the latest state without publishing it; records from the end offsets seen at start on are
 * live: the state is updated and the event published to the hub (vitals and aggregates through the
 * throttle).
 *
 * <p>Tracing: an event published from a record whose headers carry a trace (the gateway's readings,
 * the processor's aggregates, scores and alerts, when tracing is on) is published in a span under
 * that context, {@code dashboard frame <kind>}: the frame's encoding and its hand-over to every
 * watcher's queue (docs/observability.md, "Tracing").
 */
public final class TopicFeed implements AutoCloseable {

  static final Duration VITALS_LOOKBACK = Duration.ofMinutes(10);
  private static final Logger log = LoggerFactory.getLogger(TopicFeed.class);

  private final DashboardProperties properties;
  private final LiveState state;
  private final Hub hub;
  private final Throttle throttle;
  private final PushMetrics metrics;
  private final RecordTracing tracing;
  private final KafkaConsumer<String, byte[]> consumer;
  private final Map<TopicPartition, Long> liveFrom = new HashMap<>();
  private final Map<String, Topic<String, ?>> topics = new HashMap<>();
  private final Deserializer<VitalSign> vitals = Topics.VITALS_RAW.valueSerde().deserializer();
  private final Deserializer<VitalAggregate> aggregates =
      Topics.VITALS_AGG_1M.valueSerde().deserializer();
  private final Deserializer<News2Score> scores = Topics.NEWS2.valueSerde().deserializer();
  private final Deserializer<Alert> alerts = Topics.ALERTS.valueSerde().deserializer();
  private Thread thread;
  private volatile boolean running = true;
  private volatile boolean caughtUp;

  /** The headers of the record being handled when they carry a trace, else null (feed thread). */
  private Headers trace;

  public TopicFeed(
      DashboardProperties properties,
      KafkaProperties kafka,
      LiveState state,
      Hub hub,
      Throttle throttle,
      PushMetrics metrics) {
    this(properties, kafka, state, hub, throttle, metrics, RecordTracing.OFF);
  }

  public TopicFeed(
      DashboardProperties properties,
      KafkaProperties kafka,
      LiveState state,
      Hub hub,
      Throttle throttle,
      PushMetrics metrics,
      RecordTracing tracing) {
    this.tracing = tracing;
    this.properties = properties;
    this.state = state;
    this.hub = hub;
    this.throttle = throttle;
    this.metrics = metrics;
    for (Topic<String, ?> topic :
        List.<Topic<String, ?>>of(
            Topics.VITALS_RAW, Topics.VITALS_AGG_1M, Topics.NEWS2, Topics.ALERTS)) {
      topics.put(properties.topicPrefix() + topic.name(), topic);
    }
    consumer =
        new KafkaConsumer<>(
            consumerConfig(kafka, hub.instance),
            new StringDeserializer(),
            new ByteArrayDeserializer());
  }

  /**
   * The operator's {@code spring.kafka.*} consumer settings (address, TLS, SASL) over ours; the
   * feed assigns its partitions itself and never commits, and reads only what exactly-once writers
   * committed, whatever they say.
   */
  static Map<String, Object> consumerConfig(KafkaProperties kafka, String instance) {
    Map<String, Object> config = new HashMap<>();
    config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "latest");
    config.put(ConsumerConfig.CLIENT_ID_CONFIG, "dashboard-push-" + instance);
    kafka
        .buildConsumerProperties()
        .forEach(
            (key, value) -> {
              if (value != null) {
                config.put(key, value);
              }
            });
    config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    return config;
  }

  /**
   * Assigns and positions (so that everything produced from now on is live), then starts polling.
   */
  public void start(List<Payloads.AckValue> knownAcks) {
    state.knownAcks(knownAcks);
    List<TopicPartition> partitions = new ArrayList<>();
    for (String topic : topics.keySet()) {
      List<PartitionInfo> infos = consumer.partitionsFor(topic, Duration.ofSeconds(30));
      if (infos == null || infos.isEmpty()) {
        log.warn(
            "Topic {} does not exist: the dashboards get nothing from it until a restart", topic);
        continue;
      }
      for (PartitionInfo info : infos) {
        partitions.add(new TopicPartition(topic, info.partition()));
      }
    }
    consumer.assign(partitions);
    liveFrom.putAll(consumer.endOffsets(partitions, Duration.ofSeconds(30)));
    long now = System.currentTimeMillis();
    Map<TopicPartition, Long> lookback = new HashMap<>();
    for (TopicPartition partition : partitions) {
      Topic<String, ?> topic = topics.get(partition.topic());
      boolean vitalsTopic = topic == Topics.VITALS_RAW || topic == Topics.VITALS_AGG_1M;
      Duration back =
          vitalsTopic && VITALS_LOOKBACK.compareTo(properties.stateLookback()) < 0
              ? VITALS_LOOKBACK
              : properties.stateLookback();
      lookback.put(partition, now - back.toMillis());
    }
    Map<TopicPartition, OffsetAndTimestamp> starts =
        consumer.offsetsForTimes(lookback, Duration.ofSeconds(30));
    for (TopicPartition partition : partitions) {
      OffsetAndTimestamp start = starts.get(partition);
      consumer.seek(partition, start == null ? liveFrom.get(partition) : start.offset());
    }
    log.info(
        "Dashboard feed assigned {} partitions of {} topics", partitions.size(), topics.size());
    thread = new Thread(this::run, "dashboard-feed");
    thread.setDaemon(true);
    thread.start();
  }

  /** True while the polling thread runs. */
  boolean running() {
    return thread != null && thread.isAlive();
  }

  /** True once the records that were there at start are read. */
  boolean caughtUp() {
    return caughtUp;
  }

  private void run() {
    try {
      long backoffMillis = 0;
      while (running) {
        try {
          for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(200))) {
            handle(record);
          }
          if (!caughtUp && isCaughtUp()) {
            caughtUp = true;
            state.dropUnmatchedAcks();
            log.info("Dashboard feed caught up; live from here");
          }
          backoffMillis = 0;
        } catch (WakeupException e) {
          throw e;
        } catch (KafkaException e) {
          // e.g. no file handle for a connection (EMFILE): the feed waits and polls again instead
          // of ending
          backoffMillis = Math.min(30_000, Math.max(500, backoffMillis * 2));
          log.warn(
              "Dashboard feed cannot poll ({}); retrying in {} ms", e.toString(), backoffMillis);
          Thread.sleep(backoffMillis);
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (WakeupException e) {
      if (running) {
        log.error("Dashboard feed woken unexpectedly", e);
      }
    } catch (RuntimeException e) {
      log.error("Dashboard feed stopped", e);
    } finally {
      consumer.close(CloseOptions.timeout(Duration.ofSeconds(2)));
    }
  }

  private boolean isCaughtUp() {
    for (Map.Entry<TopicPartition, Long> entry : liveFrom.entrySet()) {
      if (consumer.position(entry.getKey()) < entry.getValue()) {
        return false;
      }
    }
    return true;
  }

  private void handle(ConsumerRecord<String, byte[]> record) {
    TopicPartition partition = new TopicPartition(record.topic(), record.partition());
    boolean live = record.offset() >= liveFrom.getOrDefault(partition, 0L);
    Topic<String, ?> topic = topics.get(record.topic());
    trace = live && tracing.carriesTrace(record.headers()) ? record.headers() : null;
    try {
      if (record.value() == null || record.key() == null) {
        metrics.undecodable.increment();
      } else if (topic == Topics.VITALS_RAW) {
        vital(record.key(), vitals.deserialize(record.topic(), record.value()), live);
      } else if (topic == Topics.VITALS_AGG_1M) {
        aggregate(record.key(), aggregates.deserialize(record.topic(), record.value()), live);
      } else if (topic == Topics.NEWS2) {
        news2(record.key(), scores.deserialize(record.topic(), record.value()), live);
      } else if (topic == Topics.ALERTS) {
        alert(record.key(), alerts.deserialize(record.topic(), record.value()), live);
      }
    } catch (RuntimeException e) {
      metrics.undecodable.increment();
      log.debug(
          "Skipped {}-{}@{}: {}",
          record.topic(),
          record.partition(),
          record.offset(),
          e.toString());
    }
  }

  private void vital(String key, VitalSign reading, boolean live) {
    String patientId = reading.getPatientId().toString();
    if (!key.equals(patientId) || !Double.isFinite(reading.getValue())) {
      metrics.undecodable.increment();
      return;
    }
    VitalValue value =
        new VitalValue(
            reading.getCode().toString(),
            reading.getValue(),
            reading.getUnit().toString(),
            Payloads.time(reading.getEffectiveTime()),
            reading.getDeviceId().toString());
    if (state.vital(patientId, value) && live) {
      String coalesceKey = "v|" + patientId + "|" + value.code();
      Headers traced = trace;
      throttle.offer(
          coalesceKey,
          () -> publish(traced, patientId, "vital", coalesceKey, value),
          System.nanoTime());
    }
  }

  private void aggregate(String key, VitalAggregate window, boolean live) {
    String patientId = window.getPatientId().toString();
    if (!key.equals(patientId)) {
      metrics.undecodable.increment();
      return;
    }
    AggregateValue value =
        new AggregateValue(
            window.getCode().toString(),
            window.getUnit().toString(),
            Payloads.time(window.getWindowStart()),
            Payloads.time(window.getWindowEnd()),
            window.getCount(),
            window.getMin(),
            window.getMax(),
            window.getMean(),
            window.getLast(),
            Payloads.time(window.getLastTime()));
    if (state.aggregate(patientId, value) && live) {
      String coalesceKey = "a|" + patientId + "|" + value.code();
      Headers traced = trace;
      throttle.offer(
          coalesceKey,
          () -> publish(traced, patientId, "aggregate", coalesceKey, value),
          System.nanoTime());
    }
  }

  private void news2(String key, News2Score score, boolean live) {
    String patientId = score.getPatientId().toString();
    if (!key.equals(patientId)) {
      metrics.undecodable.increment();
      return;
    }
    Map<String, Integer> components = new TreeMap<>();
    score.getComponents().forEach((name, sub) -> components.put(name.toString(), sub));
    News2Value value =
        state.news2(
            patientId,
            score.getScore(),
            score.getBand().name(),
            score.getComplete(),
            components,
            Payloads.time(score.getComputedAt()));
    if (live) {
      publish(trace, patientId, "news2", "n|" + patientId, value);
    }
  }

  private void alert(String key, Alert alert, boolean live) {
    String patientId = alert.getPatientId().toString();
    if (!key.equals(patientId)) {
      metrics.undecodable.increment();
      return;
    }
    Map<String, String> attributes = new TreeMap<>();
    alert.getAttributes().forEach((name, text) -> attributes.put(name.toString(), text.toString()));
    AlertValue value =
        new AlertValue(
            alert.getAlertId().toString(),
            alert.getKind().name(),
            alert.getSeverity().name(),
            Payloads.time(alert.getRaisedAt()),
            alert.getTitle().toString(),
            alert.getNews2Score(),
            alert.getBand() == null ? null : alert.getBand().name(),
            alert.getPreviousBand() == null ? null : alert.getPreviousBand().name(),
            attributes,
            false,
            null,
            null);
    AlertValue stored = state.alert(patientId, value);
    if (stored != null && live) {
      publish(trace, patientId, "alert", null, stored);
    }
  }

  /**
   * Publishes to the hub, in a span under {@code traced}'s context when there is one (a throttled
   * event is published later, by the throttle's flush, still under its record's context).
   */
  private void publish(
      Headers traced, String patientId, String kind, String coalesceKey, Object payload) {
    if (traced == null) {
      hub.publish(patientId, kind, coalesceKey, payload);
      return;
    }
    Span span = tracing.startChild("dashboard frame " + kind, Span.Kind.PRODUCER, traced);
    Tracer.SpanInScope scope = tracing.inScope(span);
    try {
      hub.publish(patientId, kind, coalesceKey, payload);
    } catch (RuntimeException e) {
      span.error(e);
      throw e;
    } finally {
      scope.close();
      span.end();
    }
  }

  @Override
  public void close() {
    running = false;
    consumer.wakeup();
    if (thread != null) {
      try {
        thread.join(5000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    } else {
      consumer.close(CloseOptions.timeout(Duration.ofSeconds(2)));
    }
  }
}
