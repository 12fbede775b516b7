package io.vitalflow.kafka;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.kafka.KafkaStreamsMetrics;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;

/**
 * Runs one Kafka Streams topology for the lifetime of the application context, and keeps it
 * running.
 *
 * <p>A failed stream thread is replaced at once (its tasks resume from the last committed
 * transaction). Kafka Streams builds the replacement inside the dying thread, and when that fails
 * too — no file handle for the new clients' sockets or RocksDB files (EMFILE), which is how the
 * alerting stopped for good in issue 12 — the client stays RUNNING with fewer threads, down to
 * none, and nothing retries. So a supervisor checks every second: missing threads are added again
 * (with back-off while adding fails), and a client that went to ERROR is closed and started anew.
 * {@link #health()} reports what a health check needs: the state, the live threads and, from the
 * broker, whether the application keeps up with its input ({@link GroupProgress}).
 */
public final class StreamsRunner implements SmartLifecycle {

  private static final Logger log = LoggerFactory.getLogger(StreamsRunner.class);

  /**
   * How long the application may make no progress while its input grows before it counts as down.
   */
  public static final Duration DEFAULT_STALL_TIMEOUT = Duration.ofSeconds(60);

  private static final Duration SUPERVISE_EVERY = Duration.ofSeconds(1);
  private static final Duration MAX_BACKOFF = Duration.ofSeconds(30);
  private static final Duration PROGRESS_CHECK_EVERY = Duration.ofSeconds(5);

  /** How long {@link #stop()} waits for the client to commit, close its clients and leave. */
  static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(30);

  /**
   * Stops after the web server: Spring stops higher phases first, and the server's graceful
   * shutdown ({@code DEFAULT_PHASE - 1024}) and its stop ({@code DEFAULT_PHASE - 2048}) must come
   * before, so that requests in flight (a FHIR write waits for its command to be decided) finish
   * against a running application. Starts before the web server for the same reason.
   */
  static final int PHASE = SmartLifecycle.DEFAULT_PHASE - 4096;

  private final Topology topology;
  private final Properties properties;
  private final MeterRegistry meters;
  private final String applicationId;
  private final int wantedThreads;
  private final Duration stallTimeout;
  private KafkaStreams streams;

  /** {@link #streams} for the lag gauge, read outside the lock. */
  private volatile KafkaStreams current;

  private KafkaStreamsMetrics metrics;
  private ScheduledExecutorService supervisor;
  private GroupProgress progress;
  private int shortChecks;
  private long retryAtNanos;
  private Duration backoff = SUPERVISE_EVERY;
  private int restarts;
  private int threadsAdded;

  /**
   * When a stream thread last failed (0: never); a client still stuck after one is started anew.
   */
  private volatile long failedAtNanos;

  private long rebalancingSinceNanos;
  private long progressCheckAtNanos;
  private long restartedAtNanos;

  /**
   * Closed by the supervisor, its successor not started yet: the new client could not be made
   * (state directories still locked by the old client's threads, which a timed-out close leaves
   * running; no file handles) and is tried again with the back-off.
   */
  private boolean replacing;

  public StreamsRunner(Topology topology, Properties properties, MeterRegistry meters) {
    this(topology, properties, meters, DEFAULT_STALL_TIMEOUT);
  }

  public StreamsRunner(
      Topology topology, Properties properties, MeterRegistry meters, Duration stallTimeout) {
    this.topology = topology;
    this.properties = properties;
    this.meters = meters;
    this.applicationId = properties.getProperty(StreamsConfig.APPLICATION_ID_CONFIG);
    this.wantedThreads =
        Integer.parseInt(properties.getProperty(StreamsConfig.NUM_STREAM_THREADS_CONFIG, "1"));
    this.stallTimeout = stallTimeout;
  }

  @Override
  public synchronized void start() {
    Gauge.builder(ConsumerLag.METER, this, StreamsRunner::lag)
        .description(
            "Largest lag in records of any input partition of the group's consumers in this instance")
        .tag("group", applicationId)
        .baseUnit("records")
        .register(meters);
    startClient();
    progress =
        new GroupProgress(KafkaClients.ofStreamsConfig(properties), applicationId, stallTimeout);
    supervisor =
        Executors.newSingleThreadScheduledExecutor(
            runnable -> {
              Thread thread = new Thread(runnable, "streams-supervisor-" + applicationId);
              thread.setDaemon(true);
              return thread;
            });
    supervisor.scheduleWithFixedDelay(
        this::supervise,
        SUPERVISE_EVERY.toMillis(),
        SUPERVISE_EVERY.toMillis(),
        TimeUnit.MILLISECONDS);
  }

  private void startClient() {
    streams = new KafkaStreams(topology, properties);
    streams.setUncaughtExceptionHandler(
        error -> {
          failedAtNanos = System.nanoTime();
          // redacted: exception messages may quote record values
          log.error(
              "Stream thread of {} failed; replacing it", applicationId, Failures.redacted(error));
          return StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.REPLACE_THREAD;
        });
    streams.setStateListener(
        (now, before) -> log.info("Kafka Streams {} {} -> {}", applicationId, before, now));
    metrics = new KafkaStreamsMetrics(streams);
    metrics.bindTo(meters);
    current = streams;
    streams.start();
  }

  /** The stream threads' consumers' lag ({@link ConsumerLag}); NaN before the first fetch. */
  private double lag() {
    KafkaStreams client = current;
    try {
      return client == null ? Double.NaN : ConsumerLag.of(client.metrics());
    } catch (RuntimeException e) {
      return Double.NaN; // a client being closed
    }
  }

  /**
   * Adds back threads that died without a replacement; starts a client in ERROR anew. The broker is
   * asked about the group's progress outside the lock, so that {@link #health()} never waits for
   * it.
   */
  void supervise() {
    GroupProgress due = progressCheckDue();
    boolean stalled = due != null && due.check().stalled();
    supervise(stalled);
  }

  private synchronized void supervise(boolean stalled) {
    if (streams == null || System.nanoTime() < retryAtNanos) {
      return;
    }
    try {
      if (replacing) {
        startClient();
        replacing = false;
        log.info("Kafka Streams {} started anew (restart {})", applicationId, restarts);
        succeeded();
        return;
      }
      KafkaStreams.State state = streams.state();
      if (state == KafkaStreams.State.ERROR) {
        log.warn(
            "Kafka Streams {} is in ERROR; starting it anew (restart {})",
            applicationId,
            restarts + 1);
        replace();
        return;
      }
      if (!state.isRunningOrRebalancing()) {
        return;
      }
      if (stuckAfterFailure(state)) {
        log.warn(
            "Kafka Streams {} is still rebalancing {} s after a stream thread failed; starting it anew "
                + "(restart {})",
            applicationId,
            Duration.ofNanos(System.nanoTime() - rebalancingSinceNanos).toSeconds(),
            restarts + 1);
        replace();
        return;
      }
      if (stalled && state == KafkaStreams.State.RUNNING) {
        log.warn(
            "Kafka Streams {} is {} but has made no progress since a stream thread failed; starting it "
                + "anew (restart {})",
            applicationId,
            state,
            restarts + 1);
        replace();
        return;
      }
      int alive = liveThreads();
      // twice in a row: Kafka Streams' own replacement takes a moment, and one thread too many is
      // waste only
      shortChecks = alive < wantedThreads ? shortChecks + 1 : 0;
      if (shortChecks >= 2) {
        streams
            .addStreamThread()
            .ifPresent(
                name -> {
                  threadsAdded++;
                  log.warn(
                      "Kafka Streams {} had {} of {} stream threads; added {}",
                      applicationId,
                      alive,
                      wantedThreads,
                      name);
                });
        shortChecks = 0;
        succeeded();
      }
    } catch (RuntimeException e) {
      // e.g. no file handle for the new thread's clients yet: try again later, and say so once per
      // attempt
      log.warn(
          "Kafka Streams {}: cannot restore its stream threads yet ({}); next try in {} s",
          applicationId,
          e.toString(),
          backoff.toSeconds());
      retryAtNanos = System.nanoTime() + backoff.toNanos();
      backoff =
          backoff.multipliedBy(2).compareTo(MAX_BACKOFF) > 0
              ? MAX_BACKOFF
              : backoff.multipliedBy(2);
    }
  }

  /** Closes the client and starts a new one; if that fails, {@link #supervise} tries again. */
  private void replace() {
    closeClient();
    restarts++;
    restartedAtNanos = System.nanoTime();
    replacing = true;
    startClient();
    replacing = false;
    succeeded();
  }

  /**
   * Rebalancing for longer than the stall timeout within ten minutes of a failed thread (and not
   * just after a restart of ours): a replacement that never finished joining (a task directory
   * still locked by the dead thread, clients half built while file handles were short) is seen as
   * such, while a long state restore of a healthy start is left alone.
   */
  private boolean stuckAfterFailure(KafkaStreams.State state) {
    long now = System.nanoTime();
    if (state != KafkaStreams.State.REBALANCING) {
      rebalancingSinceNanos = 0;
      return false;
    }
    if (rebalancingSinceNanos == 0) {
      rebalancingSinceNanos = now;
    }
    long failed = failedAtNanos;
    return failed != 0
        && now - failed < Duration.ofMinutes(10).toNanos()
        && now - rebalancingSinceNanos > stallTimeout.toNanos()
        && (restartedAtNanos == 0 || now - restartedAtNanos > stallTimeout.toNanos());
  }

  /**
   * The group to ask the broker about now, or null: within ten minutes of a failed thread (and not
   * just after a restart of ours) a RUNNING client is checked for a stall, at most every {@link
   * #PROGRESS_CHECK_EVERY}: it has threads and a state that look fine, but its committed offsets
   * stay put while its input grows (a replacement thread waiting for a task directory that the dead
   * thread never released).
   */
  private synchronized GroupProgress progressCheckDue() {
    long now = System.nanoTime();
    long failed = failedAtNanos;
    if (progress == null
        || streams == null
        || replacing
        || streams.state() != KafkaStreams.State.RUNNING
        || failed == 0
        || now - failed > Duration.ofMinutes(10).toNanos()
        || (restartedAtNanos != 0 && now - restartedAtNanos < stallTimeout.toNanos())
        || now < progressCheckAtNanos) {
      return null;
    }
    progressCheckAtNanos = now + PROGRESS_CHECK_EVERY.toNanos();
    return progress;
  }

  private void succeeded() {
    backoff = SUPERVISE_EVERY;
    retryAtNanos = 0;
  }

  private int liveThreads() {
    try {
      return streams.metadataForLocalThreads().size();
    } catch (IllegalStateException e) {
      return 0;
    }
  }

  @Override
  public int getPhase() {
    return PHASE;
  }

  /**
   * Commits, closes the clients and leaves the consumer group at once, within {@link
   * #CLOSE_TIMEOUT}: the main consumer leaves on close ({@link StreamsSettings}), and {@code
   * leaveGroup} removes a static member too, so the group moves this instance's tasks to the others
   * now rather than after a session timeout.
   */
  @Override
  public synchronized void stop() {
    if (supervisor != null) {
      supervisor.shutdownNow();
      supervisor = null;
    }
    if (streams != null) {
      boolean closed =
          streams.close(new KafkaStreams.CloseOptions().leaveGroup(true).timeout(CLOSE_TIMEOUT));
      if (!closed) {
        log.warn(
            "Kafka Streams {} did not close within {} s", applicationId, CLOSE_TIMEOUT.toSeconds());
      }
      metrics.close();
      streams = null;
    }
    if (progress != null) {
      progress.close();
      progress = null;
    }
  }

  /**
   * Closes the client to start another in its place: without leaving the group, the new client
   * joins as this one's successor.
   */
  private void closeClient() {
    streams.close(CLOSE_TIMEOUT);
    metrics.close();
    rebalancingSinceNanos = 0;
  }

  @Override
  public synchronized boolean isRunning() {
    return streams != null;
  }

  /** The Streams state, for health checks. */
  public synchronized KafkaStreams.State state() {
    return streams == null ? KafkaStreams.State.NOT_RUNNING : streams.state();
  }

  /** Stream threads alive now. */
  public synchronized int liveStreamThreads() {
    return streams == null ? 0 : liveThreads();
  }

  /**
   * What a health check reports; {@code up} is false when the application cannot or does not make
   * progress.
   */
  public record Health(boolean up, Map<String, Object> details) {}

  /**
   * Up when RUNNING or REBALANCING, with at least one live stream thread, and not stalled (its
   * input grows and its committed offsets have not moved for the stall timeout). Asks the broker
   * (at most a few seconds).
   */
  public Health health() {
    KafkaStreams.State state;
    int alive;
    GroupProgress groupProgress;
    synchronized (this) {
      state = state();
      alive = liveStreamThreads();
      groupProgress = progress;
    }
    Map<String, Object> details = new LinkedHashMap<>();
    details.put("state", state.name());
    details.put("threads", alive + "/" + wantedThreads);
    boolean up = state.isRunningOrRebalancing() && alive > 0;
    if (groupProgress != null) {
      GroupProgress.Verdict verdict = groupProgress.check();
      details.put("progress", verdict.detail());
      up &= !verdict.stalled();
    }
    synchronized (this) {
      if (restarts > 0) {
        details.put("restarts", restarts);
      }
      if (threadsAdded > 0) {
        details.put("threadsRestored", threadsAdded);
      }
    }
    return new Health(up, details);
  }
}
