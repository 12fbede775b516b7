package io.vitalflow.kafka;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.streams.StreamsConfig;

/**
 * The Kafka Streams runtime configuration shared by VitalFlow's Streams apps (vitals, medications,
 * FHIR commands), kept apart from their topologies. Exactly-once (v2), lz4 between the app and the
 * broker, a short commit interval so aggregates reach dashboards within a fraction of a second.
 *
 * <p>Why not spring-kafka's {@code StreamsBuilderFactoryBean}: it owns one {@code KafkaStreams} per
 * bean and starts, stops and replaces it itself, while {@link StreamsRunner} supervises the client
 * (replaces dead threads, starts a client in ERROR anew, reports group progress to health) and the
 * processor runs two Streams applications with different ids. The operator's {@code spring.kafka.*}
 * settings still reach every Streams client through {@link KafkaClients}.
 */
public final class StreamsSettings {

  /**
   * @param applicationId Streams application id: consumer group and prefix of internal topics
   * @param stateDir where RocksDB state lives
   * @param replicationFactor of changelog topics; -1 takes the broker default
   * @param streamThreads stream threads in this instance
   * @param commitInterval how often offsets, state and transactions are committed (and caches
   *     flushed)
   * @param cacheMaxBytes record cache across all threads; 0 disables it
   */
  public record Options(
      String applicationId,
      Path stateDir,
      int replicationFactor,
      int streamThreads,
      Duration commitInterval,
      long cacheMaxBytes) {

    public Options {
      Objects.requireNonNull(applicationId, "applicationId");
      Objects.requireNonNull(stateDir, "stateDir");
      Objects.requireNonNull(commitInterval, "commitInterval");
      if (applicationId.isBlank()) {
        throw new IllegalArgumentException("applicationId must not be blank");
      }
      if (replicationFactor == 0 || replicationFactor < -1) {
        throw new IllegalArgumentException(
            "replicationFactor must be positive or -1: " + replicationFactor);
      }
      if (streamThreads < 1) {
        throw new IllegalArgumentException("streamThreads must be at least 1: " + streamThreads);
      }
      if (commitInterval.isNegative() || commitInterval.isZero()) {
        throw new IllegalArgumentException("commitInterval must be positive: " + commitInterval);
      }
      if (cacheMaxBytes < 0) {
        throw new IllegalArgumentException("cacheMaxBytes must not be negative: " + cacheMaxBytes);
      }
    }

    /** Broker-default replication factor, 2 threads, 200 ms commits, 16 MiB cache. */
    public static Options of(String applicationId, Path stateDir) {
      return new Options(applicationId, stateDir, -1, 2, Duration.ofMillis(200), 16L << 20);
    }

    public Options withReplicationFactor(int value) {
      return new Options(
          applicationId, stateDir, value, streamThreads, commitInterval, cacheMaxBytes);
    }

    public Options withStreamThreads(int value) {
      return new Options(
          applicationId, stateDir, replicationFactor, value, commitInterval, cacheMaxBytes);
    }

    public Options withCommitInterval(Duration value) {
      return new Options(
          applicationId, stateDir, replicationFactor, streamThreads, value, cacheMaxBytes);
    }

    public Options withCacheMaxBytes(long value) {
      return new Options(
          applicationId, stateDir, replicationFactor, streamThreads, commitInterval, value);
    }
  }

  private StreamsSettings() {}

  /** The consumer's (internal, but long-standing) setting that makes close leave the group. */
  static final String LEAVE_GROUP_ON_CLOSE = "internal.leave.group.on.close";

  /**
   * Kafka Streams' (internal) switch for restoring state on a separate thread per stream thread.
   */
  static final String STATE_UPDATER_ENABLED = "__state.updater.enabled__";

  /**
   * Defaults of {@link Options#of} with the given changelog replication factor, against a plain
   * broker address.
   */
  public static Properties properties(
      String applicationId, String bootstrapServers, Path stateDir, int replicationFactor) {
    return properties(
        Options.of(applicationId, stateDir).withReplicationFactor(replicationFactor),
        KafkaClients.of(bootstrapServers));
  }

  /**
   * How soon the group notices a crashed instance: session timeout, heartbeats at a quarter of it.
   */
  public static void sessionTimeout(Properties properties, Duration timeout) {
    int millis = (int) timeout.toMillis();
    properties.put(StreamsConfig.consumerPrefix(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG), millis);
    properties.put(
        StreamsConfig.consumerPrefix(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG), millis / 4);
  }

  /**
   * The options over VitalFlow's defaults, the operator's {@code spring.kafka.streams.*} (and
   * common {@code spring.kafka.*}) settings over those, and the application id, exactly-once and
   * the dead-letter handlers over everything: they are what the promises rest on.
   */
  public static Properties properties(Options options, KafkaClients clients) {
    Properties p = new Properties();
    p.put(StreamsConfig.STATE_DIR_CONFIG, options.stateDir().toAbsolutePath().toString());
    p.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, Integer.toString(options.streamThreads()));
    p.put(
        StreamsConfig.COMMIT_INTERVAL_MS_CONFIG,
        Long.toString(options.commitInterval().toMillis()));
    p.put(StreamsConfig.REPLICATION_FACTOR_CONFIG, Integer.toString(options.replicationFactor()));
    p.put(StreamsConfig.STATESTORE_CACHE_MAX_BYTES_CONFIG, Long.toString(options.cacheMaxBytes()));
    p.put(StreamsConfig.producerPrefix(ProducerConfig.COMPRESSION_TYPE_CONFIG), "lz4");
    // an instance that stops leaves its group at once, so that its tasks move to the others now
    // and not a session timeout later (a rolling restart, a scale-in): Kafka Streams keeps a
    // stopping member in the group by default, and close with leaveGroup removes static members
    // only
    p.put(StreamsConfig.mainConsumerPrefix(LEAVE_GROUP_ON_CLOSE), "true");
    // state is restored on the stream thread itself, as before Kafka 3.8: with the separate state
    // updater thread (4.1.2), a failure while tasks were being added or removed (no file handles)
    // left its bookkeeping broken (a NullPointerException in the updater) and the stream thread's
    // shutdown then waited five minutes per task for a removal that never came, so neither a
    // replacement thread nor a new client could start (issue 12's alerting stall, seen again in CI)
    p.put(STATE_UPDATER_ENABLED, "false");
    p = clients.streams(p);
    p.put(StreamsConfig.APPLICATION_ID_CONFIG, options.applicationId());
    p.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
    // a record that fails deterministically goes to its dead-letter topic; it never stops the
    // partition
    p.put(
        StreamsConfig.PROCESSING_EXCEPTION_HANDLER_CLASS_CONFIG,
        DeadLetterExceptionHandler.class.getName());
    p.put(
        StreamsConfig.DESERIALIZATION_EXCEPTION_HANDLER_CLASS_CONFIG,
        DeadLetterExceptionHandler.class.getName());
    return p;
  }
}
