package io.vitalflow.fhir.store;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.sql.DataSource;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;

/**
 * Tells waiting requests that their write is readable: one connection LISTENs on the projection's
 * channel and completes the waiter registered under the notified request id. Every instance hears
 * every write; only the instance with the waiter acts. A notification missed while reconnecting
 * makes a waiter time out; the caller then looks the outcome up in {@code fhir_request}.
 */
public final class WriteNotifications implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(WriteNotifications.class);

  private final DataSource dataSource;
  private final ConcurrentMap<String, Sinks.One<WriteOutcome>> waiters = new ConcurrentHashMap<>();
  private final AtomicBoolean running = new AtomicBoolean(true);
  private final CountDownLatch listening = new CountDownLatch(1);
  private final Thread thread;

  public WriteNotifications(DataSource dataSource) {
    this.dataSource = dataSource;
    this.thread = new Thread(this::listen, "fhir-write-notifications");
    this.thread.setDaemon(true);
  }

  /**
   * Starts listening and waits until the LISTEN is in place (so no write of ours can be missed).
   */
  public void start(Duration timeout) {
    thread.start();
    try {
      if (!listening.await(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        throw new IllegalStateException(
            "could not LISTEN on " + ProjectionBatch.CHANNEL + " within " + timeout);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while starting to listen", e);
    }
  }

  /**
   * Registers interest in a request before its command is sent; the Mono completes when the
   * projection has committed its outcome. Cancel with {@link #forget} when giving up.
   */
  public Mono<WriteOutcome> await(String requestId) {
    Sinks.One<WriteOutcome> sink = Sinks.one();
    waiters.put(requestId, sink);
    return sink.asMono();
  }

  public void forget(String requestId) {
    waiters.remove(requestId);
  }

  /** Requests waiting right now, for metrics. */
  public int waiting() {
    return waiters.size();
  }

  private void listen() {
    while (running.get()) {
      try (Connection connection = dataSource.getConnection()) {
        try (Statement statement = connection.createStatement()) {
          statement.execute("LISTEN " + ProjectionBatch.CHANNEL);
        }
        listening.countDown();
        PGConnection pg = connection.unwrap(PGConnection.class);
        while (running.get()) {
          PGNotification[] notifications = pg.getNotifications(250);
          if (notifications != null) {
            for (PGNotification notification : notifications) {
              deliver(notification.getParameter());
            }
          }
        }
      } catch (SQLException e) {
        if (running.get()) {
          log.warn("LISTEN connection failed ({}); reconnecting in 1 s", e.getMessage());
          sleep();
        }
      }
    }
  }

  private void deliver(String payload) {
    WriteOutcome outcome;
    try {
      outcome = WriteOutcome.fromPayload(payload);
    } catch (RuntimeException e) {
      log.warn("Ignored a malformed write notification: {}", e.getMessage());
      return;
    }
    Sinks.One<WriteOutcome> waiter = waiters.remove(outcome.requestId());
    if (waiter != null) {
      waiter.tryEmitValue(outcome);
    }
  }

  private void sleep() {
    try {
      Thread.sleep(1000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      running.set(false);
    }
  }

  @Override
  public void close() {
    running.set(false);
    thread.interrupt();
  }
}
