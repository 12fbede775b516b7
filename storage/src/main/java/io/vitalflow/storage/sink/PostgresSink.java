package io.vitalflow.storage.sink;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.vitalflow.kafka.ConsumerLag;
import io.vitalflow.kafka.DeadLetterProducer;
import io.vitalflow.kafka.Failures;
import io.vitalflow.kafka.KafkaClients;
import io.vitalflow.schemas.DeadLetter;
import io.vitalflow.schemas.Topic;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import javax.sql.DataSource;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Consumes topics into PostgreSQL with the offsets stored in the same transaction as the rows. On
 * (re)assignment each partition is positioned at the offset stored with the data, so a crash at any
 * point neither loses nor duplicates a row; Kafka's own committed offsets are not used. What is
 * written is up to the {@link SinkBatch}; this class owns the consumers, the batching by size and
 * time, the transaction and recovery from failures.
 *
 * <p>One failure policy for every sink. A transient failure (database or broker unreachable, a lock
 * timeout) is retried from the stored offsets with exponential back-off, logged when it starts,
 * once a minute while it lasts and when it ends. A deterministic failure ({@link
 * Failures#deterministic}: a value the database cannot hold, a constraint) is narrowed down by
 * bisecting the batch under savepoints to the records that fail on their own; those go to the
 * dead-letter topic of their source topic (original bytes; error, source and sink in the headers;
 * sent with {@code acks=all} before the offsets past them are committed, so at least once) and the
 * rest is stored. A poison record is never retried forever and never stops the records behind it.
 * Log lines name records by topic-partition@offset and failures by class and SQLState, never by
 * content.
 *
 * <p>Why a consumer loop of its own and not a spring-kafka listener container: the offsets live in
 * PostgreSQL, written in the rows' transaction, and each partition is positioned from them on
 * assignment; Kafka's committed offsets are never used. A listener container commits to Kafka, owns
 * the poll loop and the rebalance callbacks, and would need every one of those switched off and
 * replaced, which leaves nothing of it. The consumers still get the operator's {@code
 * spring.kafka.*} settings (address, TLS, SASL) through {@link KafkaClients}.
 */
public final class PostgresSink implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(PostgresSink.class);

  private final KafkaClients kafka;
  private final DataSource dataSource;
  private final SinkSettings settings;
  private final Supplier<? extends SinkBatch> batches;
  private final MeterRegistry meters;

  /** Copy-on-write: the lag gauge reads it outside the lock. */
  private final List<Worker> workers = new CopyOnWriteArrayList<>();

  private final Counter deadLetters;

  /**
   * @param kafka the service's Kafka client settings ({@code spring.kafka.*})
   * @param dataSource a pool with a connection for each consumer thread (each holds one while it
   *     runs)
   * @param batches makes one batch per consumer thread
   */
  public PostgresSink(
      KafkaClients kafka,
      DataSource dataSource,
      SinkSettings settings,
      Supplier<? extends SinkBatch> batches,
      MeterRegistry meters) {
    this.kafka = kafka;
    this.dataSource = dataSource;
    this.settings = settings;
    this.batches = batches;
    this.meters = meters;
    this.deadLetters = meters.counter("vitalflow.sink.dead.letters", "sink", settings.name());
    Gauge.builder(ConsumerLag.METER, this, PostgresSink::lag)
        .description(
            "Largest lag in records of any input partition of the group's consumers in this instance")
        .tag("group", settings.consumerGroup())
        .baseUnit("records")
        .register(meters);
  }

  /** The largest lag of the workers' consumers ({@link ConsumerLag}); NaN before a fetch. */
  private double lag() {
    double lag = Double.NaN;
    for (Worker worker : workers) {
      double one = worker.lag();
      if (!Double.isNaN(one) && (Double.isNaN(lag) || one > lag)) {
        lag = one;
      }
    }
    return lag;
  }

  public synchronized void start() {
    for (int i = 0; i < settings.threads(); i++) {
      Worker worker = new Worker(i, batches.get());
      workers.add(worker);
      Thread thread =
          new Thread(worker, "sink-" + settings.name().toLowerCase(Locale.ROOT) + "-" + i);
      thread.setDaemon(false);
      thread.start();
    }
    log.info(
        "PostgreSQL sink {} started: {} consumers in group {} on {}, batches of up to {} records or {} ms",
        settings.name(),
        settings.threads(),
        settings.consumerGroup(),
        settings.topics(),
        settings.maxBatchRecords(),
        settings.maxLinger().toMillis());
  }

  @Override
  public synchronized void close() {
    workers.forEach(Worker::stop);
    workers.forEach(Worker::awaitStopped);
    workers.clear();
  }

  /** Whether the consumers make progress; see {@link SinkHealth#up}. */
  public synchronized SinkHealth health() {
    long now = System.nanoTime();
    long failing = 0;
    long sincePoll = 0;
    for (Worker worker : workers) {
      long since = worker.failingSince;
      if (since != 0) {
        failing = Math.max(failing, now - since);
      }
      sincePoll = Math.max(sincePoll, now - worker.lastPoll);
    }
    return new SinkHealth(
        settings.name(),
        workers.size(),
        Duration.ofNanos(failing),
        Duration.ofNanos(sincePoll),
        (long) deadLetters.count());
  }

  /** A record that failed on its own, and why (class and SQLState, no values). */
  private record Poison(ConsumerRecord<byte[], byte[]> record, String reason) {}

  private final class Worker implements Runnable, ConsumerRebalanceListener {

    private final int index;
    private final SinkBatch batch;
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final CountDownLatch stopped = new CountDownLatch(1);
    private final CountDownLatch stopRequested = new CountDownLatch(1);
    private final OffsetStore offsets = new OffsetStore(settings.consumerGroup());
    private final Map<TopicPartition, Long> nextOffsets = new HashMap<>();
    private final Counter failures =
        meters.counter("vitalflow.sink.flush.failures", "sink", settings.name());
    private final Timer flushTimer = meters.timer("vitalflow.sink.flush", "sink", settings.name());
    private final DistributionSummary batchSize =
        meters.summary("vitalflow.sink.batch.records", "sink", settings.name());

    /**
     * Every record added to {@link #batch} since the last flush, for narrowing a failed flush down.
     */
    private final List<ConsumerRecord<byte[], byte[]>> pending = new ArrayList<>();

    /**
     * Records the batch refused to take ({@link SinkBatch#add} threw): dead letters of the next
     * flush.
     */
    private final List<Poison> refused = new ArrayList<>();

    private int buffered;

    /** Volatile: the lag gauge reads its metrics (thread-safe) from another thread. */
    private volatile KafkaConsumer<byte[], byte[]> consumer;

    private Connection connection;

    /**
     * {@link System#nanoTime()} of the first failure since the last successful transaction; 0 when
     * none.
     */
    private volatile long failingSince;

    private volatile long lastPoll = System.nanoTime();
    private int failedAttempts;
    private long lastFailureLog;

    /**
     * False from a new consumer's subscription until its first assignment (an empty one counts).
     */
    private boolean assigned;

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
            closeQuietly();
            pause(failed(e));
          }
        }
      } finally {
        closeQuietly();
        stopped.countDown();
      }
    }

    private void consumeUntilStopped() throws SQLException {
      connection = dataSource.getConnection();
      consumer =
          new KafkaConsumer<>(
              consumerProperties(), new ByteArrayDeserializer(), new ByteArrayDeserializer());
      assigned = false;
      consumer.subscribe(settings.topics(), this);
      long firstBuffered = 0;
      while (running.get()) {
        // wait for records at most until the buffered ones are due
        long due =
            buffered == 0
                ? 50
                : (settings.maxLinger().toNanos() - (System.nanoTime() - firstBuffered))
                    / 1_000_000;
        var records = consumer.poll(Duration.ofMillis(Math.max(1, Math.min(50, due))));
        lastPoll = System.nanoTime();
        for (ConsumerRecord<byte[], byte[]> record : records) {
          if (buffered == 0) {
            firstBuffered = System.nanoTime();
          }
          nextOffsets.put(
              new TopicPartition(record.topic(), record.partition()), record.offset() + 1);
          buffered++;
          try {
            batch.add(record);
            pending.add(record);
          } catch (RuntimeException e) {
            refused.add(new Poison(record, "not usable by the sink: " + Failures.describe(e)));
          }
        }
        if (buffered == 0 && failingSince != 0 && records.isEmpty() && caughtUp()) {
          succeeded(); // nothing left to store: whatever failed before is behind us
        }
        boolean full = buffered >= settings.maxBatchRecords();
        boolean lingered =
            buffered > 0 && System.nanoTime() - firstBuffered >= settings.maxLinger().toNanos();
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
        deadLetter(refused);
        offsets.write(connection, nextOffsets);
        connection.commit();
      } catch (SQLException | RuntimeException e) {
        rollbackQuietly();
        if (!Failures.deterministic(e)) {
          throw e;
        }
        log.warn(
            "Sink {} consumer {}: a batch of {} records failed ({}); narrowing it down to the failing records",
            settings.name(),
            index,
            buffered,
            Failures.describe(e));
        log.debug("Sink {} batch failure", settings.name(), e);
        flushNarrowed();
        return;
      }
      flushTimer.record(System.nanoTime() - started, TimeUnit.NANOSECONDS);
      batchSize.record(buffered);
      batch.committed();
      succeeded();
      clear();
    }

    /**
     * Stores what can be stored of a batch that failed deterministically: halves are written under
     * savepoints until the records that fail on their own are found; those become dead letters. One
     * transaction, with the offsets past all of them.
     */
    private void flushNarrowed() throws SQLException {
      batch.clear();
      List<SinkBatch> written = new ArrayList<>();
      List<Poison> poison = new ArrayList<>(refused);
      connection.setAutoCommit(false);
      try {
        narrow(List.copyOf(pending), written, poison);
        deadLetter(poison);
        offsets.write(connection, nextOffsets);
        connection.commit();
      } catch (SQLException | RuntimeException e) {
        rollbackQuietly();
        written.forEach(SinkBatch::clear);
        throw e;
      }
      batchSize.record(buffered);
      for (SinkBatch part : written) {
        part.committed();
        part.clear();
      }
      succeeded();
      clear();
    }

    private void narrow(
        List<ConsumerRecord<byte[], byte[]>> records, List<SinkBatch> written, List<Poison> poison)
        throws SQLException {
      if (records.isEmpty()) {
        return;
      }
      SinkBatch part = batches.get();
      records.forEach(part::add);
      Savepoint savepoint = connection.setSavepoint();
      try {
        part.write(connection);
        connection.releaseSavepoint(savepoint);
        written.add(part);
      } catch (SQLException | RuntimeException e) {
        connection.rollback(savepoint);
        part.clear();
        if (!Failures.deterministic(e)) {
          throw e;
        }
        if (records.size() == 1) {
          poison.add(new Poison(records.get(0), Failures.describe(e)));
          log.debug("Sink {} record failure", settings.name(), e);
          return;
        }
        int half = records.size() / 2;
        narrow(records.subList(0, half), written, poison);
        narrow(records.subList(half, records.size()), written, poison);
      }
    }

    /**
     * Sends the records to their dead-letter topics and waits for the broker's acknowledgement,
     * then lets the batch record them (e.g. the outcome a waiting client reads) in the current
     * transaction.
     */
    private void deadLetter(List<Poison> poison) throws SQLException {
      if (poison.isEmpty()) {
        return;
      }
      List<Future<RecordMetadata>> sent = new ArrayList<>();
      for (Poison p : poison) {
        ConsumerRecord<byte[], byte[]> record = p.record();
        Headers headers =
            DeadLetter.headers(
                record.headers().toArray(), p.reason(), source(record), settings.name());
        sent.add(
            DeadLetterProducer.of(kafka)
                .send(
                    new ProducerRecord<>(
                        Topic.deadLetterName(record.topic()),
                        null,
                        record.key(),
                        record.value(),
                        headers)));
      }
      for (Future<RecordMetadata> result : sent) {
        try {
          result.get(60, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new KafkaException("interrupted while sending dead letters", e);
        } catch (ExecutionException | TimeoutException e) {
          throw new KafkaException("dead letters not acknowledged", e);
        }
      }
      for (Poison p : poison) {
        batch.deadLettered(p.record(), p.reason(), connection);
        log.warn(
            "Sink {} set aside {} to {}: {}",
            settings.name(),
            source(p.record()),
            Topic.deadLetterName(p.record().topic()),
            p.reason());
      }
      deadLetters.increment(poison.size());
    }

    private static String source(ConsumerRecord<byte[], byte[]> record) {
      return DeadLetter.source(record.topic(), record.partition(), record.offset());
    }

    /**
     * True when every assigned partition is read to its end (as of the last fetch; no request is
     * made).
     */
    /**
     * True when every assigned partition is read to its end. Never before the consumer's first
     * assignment: a consumer made anew after a failure has no partitions while it joins the group,
     * and calling that "caught up" once ended a failure that was still going on (health UP in the
     * middle of an outage, and the failure logged again as new at the next attempt).
     */
    private boolean caughtUp() {
      if (!assigned) {
        return false;
      }
      for (TopicPartition partition : consumer.assignment()) {
        var lag = consumer.currentLag(partition);
        if (lag.isEmpty() || lag.getAsLong() > 0) {
          return false;
        }
      }
      return true;
    }

    private void rollbackQuietly() {
      try {
        connection.rollback();
      } catch (SQLException e) {
        log.debug("Rollback failed", e);
      }
    }

    /**
     * Logs the start of a failure, once a minute while it lasts, and returns how long to wait
     * before retrying.
     */
    private Duration failed(Exception e) {
      long now = System.nanoTime();
      failedAttempts++;
      if (failingSince == 0) {
        failingSince = now;
      }
      Duration wait = Duration.ofMillis(Math.min(30_000L, 500L << Math.min(6, failedAttempts)));
      if (failedAttempts == 1 || now - lastFailureLog >= TimeUnit.MINUTES.toNanos(1)) {
        lastFailureLog = now;
        log.warn(
            "Sink {} consumer {} cannot store ({}); attempt {}, failing for {} s; retrying in {} ms from the "
                + "offsets stored in PostgreSQL",
            settings.name(),
            index,
            Failures.describe(e),
            failedAttempts,
            TimeUnit.NANOSECONDS.toSeconds(now - failingSince),
            wait.toMillis());
      }
      log.debug("Sink {} failure", settings.name(), e);
      return wait;
    }

    private void succeeded() {
      if (failedAttempts > 0) {
        log.info(
            "Sink {} consumer {} stores again after {} failed attempts in {} s",
            settings.name(),
            index,
            failedAttempts,
            TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - failingSince));
      }
      failedAttempts = 0;
      failingSince = 0;
    }

    private void clear() {
      batch.clear();
      nextOffsets.clear();
      pending.clear();
      refused.clear();
      buffered = 0;
    }

    @Override
    public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
      assigned = true;
      seekToStoredOffsets(partitions);
      log.info(
          "Sink {} consumer {} assigned {} partitions, positioned from PostgreSQL",
          settings.name(),
          index,
          partitions.size());
    }

    /**
     * Buffered rows are dropped, so every partition that stays with this consumer goes back to the
     * offset stored with the data (with the eager protocol nothing stays; with a cooperative one
     * some may).
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

    private Map<String, Object> consumerProperties() {
      Map<String, Object> tuning = new HashMap<>();
      tuning.put(ConsumerConfig.CLIENT_ID_CONFIG, settings.consumerGroup() + "-" + index);
      tuning.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
      tuning.put(
          ConsumerConfig.MAX_POLL_RECORDS_CONFIG,
          Math.min(20_000, Math.max(500, settings.maxBatchRecords())));
      tuning.put(ConsumerConfig.FETCH_MIN_BYTES_CONFIG, 1);
      // a long poll: the broker answers as soon as committed data is there (a read_committed fetch
      // completes when
      // the transaction marker lands: 5-25 ms after the commit, measured), so an idle sink sends 2
      // fetches/s
      // instead of up to 200; the short waits made ingest beside the FHIR API fall behind
      // (docs/benchmarks.md)
      tuning.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 500);
      tuning.put(
          ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, (int) settings.sessionTimeout().toMillis());
      tuning.put(
          ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG,
          (int) settings.sessionTimeout().toMillis() / 4);
      tuning.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, 4 * 1024 * 1024);
      Map<String, Object> properties = kafka.consumer(tuning);
      // what the promises rest on, whatever spring.kafka.* says: offsets in PostgreSQL under this
      // group, never
      // Kafka's; the topics are written by exactly-once Streams apps, so only what they committed
      // is read
      properties.put(ConsumerConfig.GROUP_ID_CONFIG, settings.consumerGroup());
      properties.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
      properties.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
      return properties;
    }

    void stop() {
      running.set(false);
      stopRequested.countDown();
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

    private double lag() {
      KafkaConsumer<byte[], byte[]> current = consumer;
      try {
        return current == null ? Double.NaN : ConsumerLag.of(current.metrics());
      } catch (RuntimeException e) {
        return Double.NaN; // a consumer being closed
      }
    }

    private void closeQuietly() {
      clear();
      if (consumer != null) {
        try {
          consumer.close(CloseOptions.timeout(Duration.ofSeconds(5)));
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
        stopRequested.await(duration.toMillis(), TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        running.set(false);
      }
    }
  }
}
