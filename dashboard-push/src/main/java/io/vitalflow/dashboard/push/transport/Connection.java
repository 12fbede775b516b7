package io.vitalflow.dashboard.push.transport;

import io.vitalflow.dashboard.access.ClientIdentity;
import io.vitalflow.dashboard.push.PushMetrics;
import io.vitalflow.dashboard.push.protocol.CloseReason;
import io.vitalflow.dashboard.push.protocol.Frame;
import io.vitalflow.dashboard.push.protocol.Messages;
import java.time.Duration;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;
import java.util.function.Consumer;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.core.scheduler.Schedulers;

/**
 * One client connection, whatever the transport: its subscription and its bounded queue. Messages
 * are offered from any thread; they leave the queue only as fast as the {@link Outlet} takes them,
 * so a slow reader fills its own queue, which coalesces vital values and, when full, closes the
 * connection with a reason instead of growing. An idle connection is small: no stream operators, no
 * per-connection timers, the queue's storage only while messages wait.
 */
public final class Connection {

  /** How long a closing connection may take to read its last message before it is cut. */
  public static final Duration CLOSE_GRACE = Duration.ofSeconds(2);

  private static final AtomicIntegerFieldUpdater<Connection> WIP =
      AtomicIntegerFieldUpdater.newUpdater(Connection.class, "wip");

  private final long idHigh;
  private final long idLow;
  public final Transport transport;
  public final ClientIdentity identity;
  private final ConnectionQueue queue;
  private final PushMetrics metrics;
  private final long expiresAtMillis;
  private volatile Outlet outlet;
  private Consumer<Connection> onClosed;
  private Sinks.One<CloseReason> closedSink;
  private CloseReason closing;
  private boolean done;
  private volatile int wip;
  private volatile long lastHeardNanos = System.nanoTime();
  private volatile Subscription subscription = Subscription.NONE;

  /** The patients a connection watches, and the ward they came from (null for an explicit list). */
  public record Subscription(String ward, Set<String> patients) {
    public static final Subscription NONE = new Subscription(null, Set.of());
  }

  public Connection(
      Transport transport, ClientIdentity identity, int capacity, PushMetrics metrics) {
    this(transport, identity, Long.MAX_VALUE, capacity, metrics);
  }

  /**
   * A connection whose token expires at {@code expiresAtMillis} (epoch milliseconds, the clock skew
   * included): {@link #expired} tells the service's sweep when to end it.
   */
  public Connection(
      Transport transport,
      ClientIdentity identity,
      long expiresAtMillis,
      int capacity,
      PushMetrics metrics) {
    this.expiresAtMillis = expiresAtMillis;
    UUID random =
        UUID.randomUUID(); // secure random: an SSE connection's id is the key to post to it
    this.idHigh = random.getMostSignificantBits();
    this.idLow = random.getLeastSignificantBits();
    this.transport = transport;
    this.identity = identity;
    this.queue = new ConnectionQueue(capacity);
    this.metrics = metrics;
  }

  /** A random UUID, kept as two numbers and made into text when asked for. */
  public String id() {
    return new UUID(idHigh, idLow).toString();
  }

  /** Sends this connection's messages to {@code target} from now on (once). */
  void attach(Outlet target) {
    outlet = target;
    signal();
  }

  /** The messages for this connection as a stream (SSE, WebFlux); subscribe once. */
  Flux<Frame> outbound() {
    return outbound(() -> {});
  }

  /**
   * The messages as a stream whose transport {@code cutTransport} closes when the client does not
   * even read the closing message: an error signal alone waits behind the unread bytes of a socket
   * that takes nothing.
   */
  Flux<Frame> outbound(Runnable cutTransport) {
    return Flux.create(
        sink -> {
          sink.onRequest(n -> signal());
          sink.onDispose(() -> close(CloseReason.CLIENT_GONE));
          attach(new FluxOutlet(sink, cutTransport));
        });
  }

  /** Called once, with this connection, when it has ended. */
  public synchronized void whenClosed(Consumer<Connection> listener) {
    onClosed = listener;
  }

  /** Emits why the connection ended, once it ended. */
  synchronized Mono<CloseReason> closed() {
    if (closedSink == null) {
      closedSink = Sinks.one();
      if (done) {
        closedSink.tryEmitValue(closing);
      }
    }
    return closedSink.asMono();
  }

  public Subscription subscription() {
    return subscription;
  }

  public void subscription(Subscription next) {
    subscription = next;
  }

  /** Whether the token this connection was opened with has expired at {@code nowMillis}. */
  public boolean expired(long nowMillis) {
    return nowMillis >= expiresAtMillis;
  }

  public void heard() {
    lastHeardNanos = System.nanoTime();
  }

  public long silentNanos() {
    return System.nanoTime() - lastHeardNanos;
  }

  public synchronized boolean isClosing() {
    return closing != null;
  }

  /** Queues a message; on overflow the connection starts closing as a slow client. */
  public void offer(Frame frame) {
    synchronized (this) {
      if (closing != null) {
        return;
      }
      switch (queue.offer(frame)) {
        case COALESCED -> metrics.framesCoalesced.increment();
        case OVERFLOW -> {
          metrics.slowClientCloses.increment();
          startClosing(CloseReason.SLOW_CLIENT);
        }
        case QUEUED -> {
          // nothing more to do
        }
      }
    }
    signal();
  }

  /**
   * Closes with a reason: the queue is dropped, one {@code error} message is sent, then the stream
   * ends.
   */
  public void close(CloseReason reason) {
    synchronized (this) {
      if (closing != null) {
        return;
      }
      startClosing(reason);
    }
    signal();
  }

  /** The transport can take messages again (a WebSocket channel became writable). */
  void signal() {
    if (WIP.getAndIncrement(this) != 0) {
      return;
    }
    Outlet target = outlet;
    if (target == null) {
      drain();
    } else {
      target.execute(this::drain);
    }
  }

  private void startClosing(CloseReason reason) {
    closing = reason;
    queue.clear();
    if (reason != CloseReason.CLIENT_GONE) {
      queue.force(
          Frame.control("error", Messages.error(0, reason.code(), reason.message(), null, null)));
    }
    // a client that does not read even the closing message is cut after a grace period
    Mono.delay(CLOSE_GRACE, Schedulers.parallel()).subscribe(tick -> cut());
  }

  private void cut() {
    Outlet target;
    CloseReason reason;
    synchronized (this) {
      if (done) {
        return;
      }
      done = true;
      target = outlet;
      reason = closing;
    }
    if (target != null) {
      target.cut(reason);
    }
    ended();
  }

  /**
   * Moves queued messages to the outlet as far as it takes them, then flushes once. Signals go out
   * without holding this connection's lock (the hub offers while holding its own lock, and what
   * runs after a completion reaches back into the hub), and one thread at a time drains
   * (work-in-progress counter).
   */
  private void drain() {
    int missed = 1;
    do {
      drainAvailable();
      missed = WIP.addAndGet(this, -missed);
    } while (missed != 0);
  }

  private void drainAvailable() {
    int written = 0;
    while (true) {
      Outlet target;
      Frame next = null;
      CloseReason finish = null;
      synchronized (this) {
        target = outlet;
        if (target == null || done) {
          return;
        }
        if (target.ready()) {
          next = queue.poll();
        }
        if (next == null && closing != null && queue.isEmpty()) {
          done = true;
          finish = closing;
        }
      }
      if (next == null) {
        if (written > 0) {
          target.flush();
        }
        if (finish != null) {
          target.end(finish);
          ended();
        }
        return;
      }
      metrics.framesSent.increment();
      target.write(next);
      written++;
    }
  }

  private void ended() {
    Consumer<Connection> listener;
    Sinks.One<CloseReason> sink;
    CloseReason reason;
    synchronized (this) {
      listener = onClosed;
      sink = closedSink;
      reason = closing;
    }
    if (sink != null) {
      sink.tryEmitValue(reason);
    }
    if (listener != null) {
      listener.accept(this);
    }
  }

  /** Messages waiting (for tests and metrics). */
  synchronized int pending() {
    return queue.size();
  }
}
