package io.vitalflow.dashboard.push;

import java.time.Duration;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;

import reactor.core.publisher.Flux;
import reactor.core.publisher.FluxSink;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.core.scheduler.Schedulers;

import io.vitalflow.dashboard.access.ClientIdentity;

/**
 * One client connection, whatever the transport: its subscription and its bounded queue. Messages are
 * offered from any thread; they leave the queue only as fast as the transport requests them, so a slow
 * reader fills its own queue, which coalesces vital values and, when full, closes the connection with a
 * reason instead of growing.
 */
final class Connection {

  /** How long a closing connection may take to read its last message before it is cut. */
  static final Duration CLOSE_GRACE = Duration.ofSeconds(2);

  final String id = UUID.randomUUID().toString();
  final Transport transport;
  final ClientIdentity identity;
  private final ConnectionQueue queue;
  private final PushMetrics metrics;
  private final Sinks.One<CloseReason> closed = Sinks.one();
  private final Flux<Frame> outbound;
  private final AtomicInteger wip = new AtomicInteger();
  private FluxSink<Frame> sink;
  private CloseReason closing;
  private boolean done;
  private volatile long lastHeardNanos = System.nanoTime();
  private volatile Subscription subscription = Subscription.NONE;

  /** The patients a connection watches, and the ward they came from (null for an explicit list). */
  record Subscription(String ward, Set<String> patients) {
    static final Subscription NONE = new Subscription(null, Set.of());
  }

  Connection(Transport transport, ClientIdentity identity, int capacity, PushMetrics metrics) {
    this.transport = transport;
    this.identity = identity;
    this.queue = new ConnectionQueue(capacity);
    this.metrics = metrics;
    this.outbound = Flux.<Frame>create(created -> {
      synchronized (this) {
        sink = created;
      }
      created.onRequest(n -> drain());
      created.onDispose(() -> close(CloseReason.CLIENT_GONE));
      drain();
    });
  }

  /** The messages for this connection; subscribe once. Completes after the closing message. */
  Flux<Frame> outbound() {
    return outbound;
  }

  /** Emits why the connection ended, once it ended. */
  Mono<CloseReason> closed() {
    return closed.asMono();
  }

  Subscription subscription() {
    return subscription;
  }

  void subscription(Subscription next) {
    subscription = next;
  }

  void heard() {
    lastHeardNanos = System.nanoTime();
  }

  long silentNanos() {
    return System.nanoTime() - lastHeardNanos;
  }

  synchronized boolean isClosing() {
    return closing != null;
  }

  /** Queues a message; on overflow the connection starts closing as a slow client. */
  void offer(Frame frame) {
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
    drain();
  }

  /** Closes with a reason: the queue is dropped, one {@code error} message is sent, then the stream ends. */
  void close(CloseReason reason) {
    synchronized (this) {
      if (closing != null) {
        return;
      }
      startClosing(reason);
    }
    drain();
  }

  private void startClosing(CloseReason reason) {
    closing = reason;
    queue.clear();
    if (reason != CloseReason.CLIENT_GONE) {
      queue.force(Frame.control("error", Messages.error(0, reason.code(), reason.message(), null, null)));
    }
    // a client that does not read even the closing message is cut after a grace period
    Mono.delay(CLOSE_GRACE, Schedulers.parallel()).subscribe(tick -> cut());
  }

  private void cut() {
    FluxSink<Frame> cutSink;
    synchronized (this) {
      if (done) {
        return;
      }
      done = true;
      cutSink = sink;
    }
    if (cutSink != null) {
      cutSink.error(new IllegalStateException("connection closed: " + closing.code()));
    }
    closed.tryEmitValue(closing);
  }

  /**
   * Moves queued messages to the transport as far as it requested them. Signals go out without holding
   * this connection's lock (the hub offers while holding its own lock, and what runs after a completion
   * reaches back into the hub), and one thread at a time drains (work-in-progress counter).
   */
  private void drain() {
    if (wip.getAndIncrement() != 0) {
      return;
    }
    int missed = 1;
    do {
      while (true) {
        FluxSink<Frame> target;
        Frame next = null;
        boolean finish = false;
        synchronized (this) {
          target = sink;
          if (target == null || done) {
            break;
          }
          if (target.requestedFromDownstream() > 0) {
            next = queue.poll();
          }
          if (next == null && closing != null && queue.isEmpty()) {
            done = true;
            finish = true;
          }
        }
        if (next != null) {
          metrics.framesSent.increment();
          target.next(next);
        } else {
          if (finish) {
            target.complete();
            closed.tryEmitValue(closing);
          }
          break;
        }
      }
      missed = wip.addAndGet(-missed);
    } while (missed != 0);
  }

  /** Messages waiting (for tests and metrics). */
  synchronized int pending() {
    return queue.size();
  }
}
