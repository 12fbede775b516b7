package io.vitalflow.infra.sink;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;

import javax.sql.DataSource;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

/**
 * Consumes topics into PostgreSQL with the offsets stored in the same transaction as the rows. On
 * (re)assignment each partition is positioned at the offset stored with the data, so a crash at any point
 * neither loses nor duplicates a row; Kafka's own committed offsets are not used. What is written is up to
 * the {@link SinkBatch}; this class owns the consumers, the batching by size and time, the transaction and
 * recovery from failures.
 */
public final class PostgresSink implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(PostgresSink.class);

  private final String bootstrapServers;
  private final DataSource dataSource;
  private final SinkSettings settings;
  private final Supplier<? extends SinkBatch> batches;
  private final MeterRegistry meters;
  private final List<Worker> workers = new ArrayList<>();

  /**
   * @param batches makes one batch per consumer thread
   */
  public PostgresSink(String bootstrapServers, DataSource dataSource, SinkSettings settings,
      Supplier<? extends SinkBatch> batches, MeterRegistry meters) {
    this.bootstrapServers = bootstrapServers;
    this.dataSource = dataSource;
    this.settings = settings;
    this.batches = batches;
    this.meters = meters;
  }

  public synchronized void start() {
    for (int i = 0; i < settings.threads(); i++) {
      Worker worker = new Worker(i, batches.get());
      workers.add(worker);
      Thread thread = new Thread(worker, "sink-" + settings.name().toLowerCase(Locale.ROOT) + "-" + i);
      thread.setDaemon(false);
      thread.start();
    }
    log.info("PostgreSQL sink {} started: {} consumers in group {} on {}, batches of up to {} records or {} ms",
        settings.name(), settings.threads(), settings.consumerGroup(), settings.topics(), settings.maxBatchRecords(),
        settings.maxLinger().toMillis());
  }

  @Override
  public synchronized void close() {
    workers.forEach(Worker::stop);
    workers.forEach(Worker::awaitStopped);
    workers.clear();
  }

  private final class Worker implements Runnable, ConsumerRebalanceListener {

    private final int index;
    private final SinkBatch batch;
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final CountDownLatch stopped = new CountDownLatch(1);
    private final OffsetStore offsets = new OffsetStore(settings.consumerGroup());
    private final Map<TopicPartition, Long> nextOffsets = new HashMap<>();
    private final Counter failures = meters.counter("vitalflow.sink.flush.failures", "sink", settings.name());
    private final Timer flushTimer = meters.timer("vitalflow.sink.flush", "sink", settings.name());
    private final DistributionSummary batchSize = meters.summary("vitalflow.sink.batch.records", "sink",
        settings.name());
    private int buffered;
    private KafkaConsumer<byte[], byte[]> consumer;
    private Connection connection;

    Worker(int index, SinkBatch batch) {
      this.index = index;
      this.batch = batch;
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
            log.error("Sink {} consumer {} failed; reconnecting from the offsets stored in PostgreSQL",
                settings.name(), index, e);
            closeQuietly();
            pause(Duration.ofSeconds(2));
          }
        }
      } finally {
        closeQuietly();
        stopped.countDown();
      }
    }

    private void consumeUntilStopped() throws SQLException {
      connection = dataSource.getConnection();
      consumer = new KafkaConsumer<>(consumerProperties(), new ByteArrayDeserializer(), new ByteArrayDeserializer());
      consumer.subscribe(settings.topics(), this);
      long firstBuffered = 0;
      while (running.get()) {
        // wait for records at most until the buffered ones are due
        long due = buffered == 0 ? 50 : (settings.maxLinger().toNanos() - (System.nanoTime() - firstBuffered)) / 1_000_000;
        var records = consumer.poll(Duration.ofMillis(Math.max(1, Math.min(50, due))));
        for (ConsumerRecord<byte[], byte[]> record : records) {
          if (buffered == 0) {
            firstBuffered = System.nanoTime();
          }
          nextOffsets.put(new TopicPartition(record.topic(), record.partition()), record.offset() + 1);
          buffered++;
          batch.add(record);
        }
        boolean full = buffered >= settings.maxBatchRecords();
        boolean lingered = buffered > 0 && System.nanoTime() - firstBuffered >= settings.maxLinger().toNanos();
        if (full || lingered) {
          flush();
        }
      }
      if (buffered > 0) {
        flush();
      }
    }

    private void flush() throws SQLException {
      long started = System.nanoTime();
      connection.setAutoCommit(false);
      try {
        batch.write(connection);
        offsets.write(connection, nextOffsets);
        connection.commit();
      } catch (SQLException | RuntimeException e) {
        connection.rollback();
        throw e;
      }
      flushTimer.record(System.nanoTime() - started, TimeUnit.NANOSECONDS);
      batchSize.record(buffered);
      batch.committed();
      clear();
    }

    private void clear() {
      batch.clear();
      nextOffsets.clear();
      buffered = 0;
    }

    @Override
    public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
      seekToStoredOffsets(partitions);
      log.info("Sink {} consumer {} assigned {} partitions, positioned from PostgreSQL", settings.name(), index,
          partitions.size());
    }

    /**
     * Buffered rows are dropped, so every partition that stays with this consumer goes back to the offset
     * stored with the data (with the eager protocol nothing stays; with a cooperative one some may).
     */
    @Override
    public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
      clear();
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
        Map<TopicPartition, Long> stored = offsets.read(connection, partitions);
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
      // the topics are written by exactly-once Streams apps: only read what they committed
      properties.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
      properties.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG,
          Math.min(20_000, Math.max(500, settings.maxBatchRecords())));
      properties.put(ConsumerConfig.FETCH_MIN_BYTES_CONFIG, 1);
      // a long poll: the broker answers as soon as committed data is there (a read_committed fetch completes when
      // the transaction marker lands: 5-25 ms after the commit, measured), so an idle sink sends 2 fetches/s
      // instead of up to 200; the short waits made ingest beside the FHIR API fall behind (docs/benchmarks.md)
      properties.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 500);
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
          log.warn("Sink {} consumer {} did not stop within 30 s", settings.name(), index);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }

    private void closeQuietly() {
      clear();
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
