package io.vitalflow.dashboard.push.state;

import io.vitalflow.dashboard.push.PushMetrics;
import io.vitalflow.dashboard.push.protocol.Frame;
import io.vitalflow.dashboard.push.protocol.Messages;
import io.vitalflow.dashboard.push.protocol.Payloads.PatientSnapshot;
import io.vitalflow.dashboard.push.protocol.ResumeToken;
import io.vitalflow.dashboard.push.transport.Connection;
import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * The fan-out of one instance. Every live event gets the next sequence number, is encoded once,
 * kept in the {@link ResumeLog} and offered to the connections subscribed to its patient, and only
 * to those (the subscriber sets are per patient, so an event costs work proportional to its own
 * watchers). Subscribing happens under the same lock as publishing, so a snapshot (or a replay) and
 * the live events after it neither overlap nor leave a gap.
 */
public final class Hub {

  /** The connections watching one patient, and the hub's own instance of the patient's id. */
  private record Watchers(String patientId, Set<Connection> connections) {}

  /** Identifies this instance's sequence numbers in resume tokens. */
  final String instance = UUID.randomUUID().toString().substring(0, 8);

  private final ResumeLog resumeLog;
  private final PushMetrics metrics;
  private final Map<String, Watchers> byPatient = new HashMap<>();
  private final Set<Connection> connections = ConcurrentHashMap.newKeySet();
  private long seq;

  public Hub(ResumeLog resumeLog, PushMetrics metrics) {
    this.resumeLog = resumeLog;
    this.metrics = metrics;
  }

  /** Publishes a live event about a patient; returns it. */
  public synchronized Frame publish(
      String patientId, String kind, String coalesceKey, Object payload) {
    long next = ++seq;
    Frame frame =
        Frame.of(
            next,
            patientId,
            kind,
            coalesceKey,
            Messages.live(kind, next, patientId, payload),
            instance + ":" + next);
    metrics.framesEncoded.increment();
    resumeLog.add(frame, System.nanoTime());
    metrics.eventsPublished.increment();
    Watchers watchers = byPatient.get(patientId);
    if (watchers != null) {
      for (Connection connection : watchers.connections()) {
        connection.offer(frame);
      }
    }
    return frame;
  }

  public synchronized long currentSeq() {
    return seq;
  }

  public void opened(Connection connection) {
    connections.add(connection);
    metrics.opened(connection.transport);
  }

  /** Forgets a connection; false when it was already gone. */
  public synchronized boolean closed(Connection connection) {
    if (!connections.remove(connection)) {
      return false;
    }
    metrics.closed(connection.transport);
    unregister(connection);
    connection.subscription(Connection.Subscription.NONE);
    return true;
  }

  public Collection<Connection> connections() {
    return connections;
  }

  /**
   * Replaces a connection's subscription and queues what it gets first: a {@code subscribed}
   * message, then the missed events when {@code resume} is covered by the resume log, else a {@code
   * snapshot} built by {@code snapshot} (called under the lock, with the patients).
   */
  public synchronized void subscribe(
      Connection connection,
      Connection.Subscription subscription,
      ResumeToken resume,
      String requestId,
      Function<Set<String>, List<PatientSnapshot>> snapshot) {
    if (!connections.contains(connection) || connection.isClosing()) {
      return;
    }
    unregister(connection);
    connection.subscription(register(connection, subscription));
    boolean replay =
        resume != null && instance.equals(resume.instance()) && resumeLog.covers(resume.seq(), seq);
    String mode = replay ? "replayed" : "snapshot";
    connection.offer(
        Frame.control(
            "subscribed",
            Messages.subscribed(
                seq,
                requestId,
                connection.id(),
                instance,
                subscription.ward(),
                subscription.patients(),
                mode)));
    if (replay) {
      resumeLog
          .since(resume.seq(), new HashSet<>(subscription.patients()))
          .forEach(connection::offer);
    } else {
      connection.offer(
          Frame.of(
              seq,
              null,
              "snapshot",
              null,
              Messages.snapshot(seq, mode, snapshot.apply(subscription.patients())),
              instance + ":" + seq));
    }
  }

  /** Queues a per-connection message. */
  public void send(Connection connection, Frame frame) {
    connection.offer(frame);
  }

  /** Sends one heartbeat, encoded once, to every connection; forgets expired resume entries. */
  public void heartbeat() {
    Frame frame;
    synchronized (this) {
      resumeLog.prune(System.nanoTime());
      frame = Frame.control("heartbeat", Messages.heartbeat(seq, Instant.now(), null));
    }
    for (Connection connection : connections) {
      connection.offer(frame);
    }
  }

  /**
   * Adds a connection to the watchers of its patients; returns the subscription as the connection
   * keeps it: the ids as one array, each the hub's own instance of that id (thousands of clients
   * watching a ward share its patients' id strings instead of each holding the copies parsed from
   * its request).
   */
  private Connection.Subscription register(
      Connection connection, Connection.Subscription subscription) {
    String[] ids = new String[subscription.patients().size()];
    int i = 0;
    for (String patientId : subscription.patients()) {
      Watchers watchers =
          byPatient.computeIfAbsent(patientId, id -> new Watchers(id, new HashSet<>()));
      watchers.connections().add(connection);
      ids[i++] = watchers.patientId();
    }
    return new Connection.Subscription(subscription.ward(), PatientIds.own(ids));
  }

  private void unregister(Connection connection) {
    for (String patientId : connection.subscription().patients()) {
      Watchers watchers = byPatient.get(patientId);
      if (watchers != null) {
        watchers.connections().remove(connection);
        if (watchers.connections().isEmpty()) {
          byPatient.remove(patientId);
        }
      }
    }
  }
}
