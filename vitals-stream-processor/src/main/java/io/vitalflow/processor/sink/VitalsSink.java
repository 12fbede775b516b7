package io.vitalflow.processor.sink;

import java.io.IOException;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import javax.sql.DataSource;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.vitalflow.processor.topology.RawReadingCheck;
import io.vitalflow.schemas.Topics;
import io.vitalflow.schemas.VitalAggregate;
import io.vitalflow.schemas.VitalSign;

/**
 * Consumes raw readings and window aggregates and stores them in PostgreSQL. Offsets live in PostgreSQL,
 * written in the same transaction as the rows: on (re)assignment each partition is positioned at the offset
 * stored with the data, so a crash at any point neither loses nor duplicates a row. Kafka's own committed
 * offsets are not used. Unusable raw records ({@link RawReadingCheck}) are skipped and counted here; the
 * stream processor sends the same records to the dead-letter topic.
 */
public final class VitalsSink implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(VitalsSink.class);

  private final String bootstrapServers;
  private final DataSource dataSource;
  private final SinkSettings settings;
  private final MeterRegistry meters;
  private final RawReadingCheck readingCheck;
  private final List<Worker> workers = new ArrayList<>();

  public VitalsSink(String bootstrapServers, DataSource dataSource, SinkSettings settings, MeterRegistry meters,
      RawReadingCheck readingCheck) {
    this.bootstrapServers = bootstrapServers;
    this.dataSource = dataSource;
    this.settings = settings;
    this.meters = meters;
    this.readingCheck = readingCheck;
  }

  public synchronized void start() {
    for (int i = 0; i < settings.threads(); i++) {
      Worker worker = new Worker(i);
      workers.add(worker);
      Thread thread = new Thread(worker, "sink-" + settings.streams().name().toLowerCase(java.util.Locale.ROOT) + "-" + i);
      thread.setDaemon(false);
      thread.start();
    }
    log.info("PostgreSQL sink of {} started: {} consumers in group {}, batches of up to {} records or {} ms",
        settings.streams(), settings.threads(), settings.consumerGroup(), settings.maxBatchRecords(), settings.maxLinger().toMillis());
  }

  @Override
  public synchronized void close() {
    workers.forEach(Worker::stop);
    workers.forEach(Worker::awaitStopped);
    workers.clear();
  }

  private final class Worker implements Runnable, ConsumerRebalanceListener {

    private final int index;
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final CountDownLatch stopped = new CountDownLatch(1);
    private final PostgresSinkWriter writer = new PostgresSinkWriter(settings.consumerGroup());
    private final SinkBatch batch = new SinkBatch();
    private final String rawTopic = settings.topicPrefix() + Topics.VITALS_RAW.name();
    private final String minuteTopic = settings.topicPrefix() + Topics.VITALS_AGG_1M.name();
    private final String hourTopic = settings.topicPrefix() + Topics.VITALS_AGG_1H.name();
    private final String kind = settings.streams().name().toLowerCase(java.util.Locale.ROOT);
    private final Counter stored = meters.counter("vitalflow.sink.rows", "table", "vital_reading");
    private final Counter undecodable = meters.counter("vitalflow.sink.undecodable", "sink", kind);
    private final Counter failures = meters.counter("vitalflow.sink.flush.failures", "sink", kind);
    private final Timer flushTimer = meters.timer("vitalflow.sink.flush", "sink", kind);
    private final DistributionSummary batchSize = meters.summary("vitalflow.sink.batch.records", "sink", kind);
    private final Timer acceptedToStored = Timer.builder("vitalflow.sink.accepted.to.stored")
        .description("From the gateway's acceptance of a reading to its commit in PostgreSQL")
        .publishPercentiles(0.5, 0.99).register(meters);
    private KafkaConsumer<byte[], byte[]> consumer;
    private Connection connection;

    Worker(int index) {
      this.index = index;
    }

    @Override
    public void run() {
      try {
        while (running.get()) {
          try {
            consumeUntilStopped();
          } catch (WakeupException stopping) {
            // close() asked us to stop
          } catch (Exception e) {
            failures.increment();
            log.error("Sink consumer {} failed; reconnecting from the offsets stored in PostgreSQL", index, e);
            closeQuietly();
            pause(Duration.ofSeconds(2));
          }
        }
      } finally {
        closeQuietly();
        stopped.countDown();
      }
    }

    private void consumeUntilStopped() throws SQLException, IOException {
      connection = dataSource.getConnection();
      consumer = new KafkaConsumer<>(consumerProperties(), new ByteArrayDeserializer(), new ByteArrayDeserializer());
      consumer.subscribe(List.of(switch (settings.streams()) {
        case READINGS -> rawTopic;
        case MINUTE_AGGREGATES -> minuteTopic;
        case HOUR_AGGREGATES -> hourTopic;
      }), this);
      long firstBuffered = 0;
      while (running.get()) {
        var records = consumer.poll(Duration.ofMillis(50));
        for (ConsumerRecord<byte[], byte[]> record : records) {
          if (batch.isEmpty()) {
            firstBuffered = System.nanoTime();
          }
          add(record);
        }
        boolean full = batch.records() >= settings.maxBatchRecords();
        boolean lingered = !batch.isEmpty() && System.nanoTime() - firstBuffered >= settings.maxLinger().toNanos();
        if (full || lingered) {
          flush();
        }
      }
      if (!batch.isEmpty()) {
        flush();
      }
    }

    private void add(ConsumerRecord<byte[], byte[]> record) {
      batch.consumed(new TopicPartition(record.topic(), record.partition()), record.offset());
      if (record.topic().equals(rawTopic)) {
        VitalSign reading = readingCheck.usable(record.topic(), record.key(), record.value());
        if (reading == null) {
          skip(record, "unusable reading (dead-lettered by the stream processor)");
        } else {
          batch.addReading(reading);
        }
        return;
      }
      VitalAggregate aggregate = decodeAggregate(record);
      if (aggregate == null) {
        skip(record, "undecodable window aggregate");
      } else if (record.topic().equals(minuteTopic)) {
        batch.addMinute(aggregate);
      } else {
        batch.addHour(aggregate);
      }
    }

    /** The aggregate, or {@code null} for a tombstone or bytes that do not decode. */
    private static VitalAggregate decodeAggregate(ConsumerRecord<byte[], byte[]> record) {
      try {
        return Topics.VITALS_AGG_1M.valueSerde().deserializer().deserialize(record.topic(), record.value());
      } catch (SerializationException e) {
        return null;
      }
    }

    private void skip(ConsumerRecord<byte[], byte[]> record, String why) {
      undecodable.increment();
      log.warn("Skipped record {}-{}@{}: {}", record.topic(), record.partition(), record.offset(), why);
    }

    private void flush() throws SQLException, IOException {
      long started = System.nanoTime();
      Instant storedAt = Instant.now();
      writer.write(connection, batch, storedAt);
      flushTimer.record(System.nanoTime() - started, TimeUnit.NANOSECONDS);
      batchSize.record(batch.records());
      stored.increment(batch.readings().size());
      Instant committed = Instant.now();
      for (VitalSign reading : batch.readings()) {
        acceptedToStored.record(Duration.between(reading.getReceivedTime(), committed));
      }
      batch.clear();
    }

    @Override
    public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
      seekToStoredOffsets(partitions);
      log.info("Sink consumer {} assigned {} partitions, positioned from PostgreSQL", index, partitions.size());
    }

    /**
     * Buffered rows are dropped, so every partition that stays with this consumer goes back to the offset
     * stored with the data (with the eager protocol nothing stays; with a cooperative one some may).
     */
    @Override
    public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
      batch.clear();
      Set<TopicPartition> retained = new HashSet<>(consumer.assignment());
      retained.removeAll(partitions);
      seekToStoredOffsets(retained);
    }

    @Override
    public void onPartitionsLost(Collection<TopicPartition> partitions) {
      onPartitionsRevoked(partitions);
    }

    private void seekToStoredOffsets(Collection<TopicPartition> partitions) {
      if (partitions.isEmpty()) {
        return;
      }
      try {
        Map<TopicPartition, Long> stored = writer.storedOffsets(connection, partitions);
        for (TopicPartition partition : partitions) {
          Long next = stored.get(partition);
          if (next == null) {
            consumer.seekToBeginning(List.of(partition));
          } else {
            consumer.seek(partition, next);
          }
        }
      } catch (SQLException e) {
        throw new IllegalStateException("Cannot read stored offsets", e);
      }
    }

    private Properties consumerProperties() {
      Properties properties = new Properties();
      properties.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
      properties.put(ConsumerConfig.GROUP_ID_CONFIG, settings.consumerGroup());
      properties.put(ConsumerConfig.CLIENT_ID_CONFIG, settings.consumerGroup() + "-" + index);
      properties.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
      properties.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
      // aggregates are written by an exactly-once Streams app: only read what it committed
      properties.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
      properties.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, Math.min(20_000, Math.max(500, settings.maxBatchRecords())));
      properties.put(ConsumerConfig.FETCH_MIN_BYTES_CONFIG, 1);
      properties.put(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, (int) settings.sessionTimeout().toMillis());
      properties.put(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, (int) settings.sessionTimeout().toMillis() / 4);
      properties.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, 4 * 1024 * 1024);
      return properties;
    }

    void stop() {
      running.set(false);
      KafkaConsumer<byte[], byte[]> current = consumer;
      if (current != null) {
        current.wakeup();
      }
    }

    void awaitStopped() {
      try {
        if (!stopped.await(30, TimeUnit.SECONDS)) {
          log.warn("Sink consumer {} did not stop within 30 s", index);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }

    private void closeQuietly() {
      batch.clear();
      if (consumer != null) {
        try {
          consumer.close(Duration.ofSeconds(5));
        } catch (RuntimeException e) {
          log.debug("Consumer close failed", e);
        }
        consumer = null;
      }
      if (connection != null) {
        try {
          connection.close();
        } catch (SQLException e) {
          log.debug("Connection close failed", e);
        }
        connection = null;
      }
    }

    private void pause(Duration duration) {
      try {
        Thread.sleep(duration.toMillis());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        running.set(false);
      }
    }
  }
}
