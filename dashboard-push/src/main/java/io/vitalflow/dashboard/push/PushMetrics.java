package io.vitalflow.dashboard.push;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vitalflow.dashboard.push.transport.Transport;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Connections by transport, frames sent and coalesced, connections closed for being slow or silent.
 */
public final class PushMetrics {

  private final Map<Transport, AtomicInteger> connections = new EnumMap<>(Transport.class);
  public final Counter framesSent;
  public final Counter framesEncoded;
  public final Counter framesCoalesced;
  public final Counter slowClientCloses;
  final Counter idleCloses;
  final Counter tokenExpiryCloses;
  private final MeterRegistry registry;
  public final Counter eventsPublished;
  public final Counter undecodable;

  PushMetrics(MeterRegistry registry) {
    this.registry = registry;
    for (Transport transport : Transport.values()) {
      AtomicInteger count = new AtomicInteger();
      connections.put(transport, count);
      Gauge.builder("vitalflow.dashboard.connections", count, AtomicInteger::get)
          .description("open dashboard connections")
          .tag("transport", transport.tag)
          .register(registry);
    }
    framesSent =
        Counter.builder("vitalflow.dashboard.frames.sent")
            .description("messages handed to connections")
            .register(registry);
    framesEncoded =
        Counter.builder("vitalflow.dashboard.frames.encoded")
            .description(
                "live events encoded to JSON and WebSocket frame bytes (once per event, not per client)")
            .register(registry);
    framesCoalesced =
        Counter.builder("vitalflow.dashboard.frames.coalesced")
            .description("waiting messages replaced by a newer value of the same patient and code")
            .register(registry);
    slowClientCloses =
        Counter.builder("vitalflow.dashboard.slow.client.closes")
            .description("connections closed because their queue overflowed")
            .register(registry);
    idleCloses =
        Counter.builder("vitalflow.dashboard.idle.closes")
            .description("connections closed because the client was silent too long")
            .register(registry);
    tokenExpiryCloses =
        Counter.builder("vitalflow.dashboard.token.expiry.closes")
            .description("connections ended because the token they were opened with expired")
            .register(registry);
    eventsPublished =
        Counter.builder("vitalflow.dashboard.events.published")
            .description("live events published to the hub (after throttling)")
            .register(registry);
    undecodable =
        Counter.builder("vitalflow.dashboard.records.undecodable")
            .description("topic records skipped because they did not decode or validate")
            .register(registry);
  }

  public static PushMetrics forTests() {
    return new PushMetrics(new SimpleMeterRegistry());
  }

  /**
   * A connection refused before it opened: {@code status} 401, 403 (scope, owner or origin) or 503.
   */
  public void refused(Transport transport, int status) {
    Counter.builder("vitalflow.dashboard.connections.refused")
        .description("connections (and SSE messages) refused before they reached the protocol")
        .tag("transport", transport.tag)
        .tag("status", Integer.toString(status))
        .register(registry)
        .increment();
  }

  public void opened(Transport transport) {
    connections.get(transport).incrementAndGet();
  }

  public void closed(Transport transport) {
    connections.get(transport).decrementAndGet();
  }
}
