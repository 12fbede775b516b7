package io.vitalflow.web;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.net.InetAddress;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * The counters behind {@link HttpLimits} for one service: open connections and reserved request
 * bytes, in total and per client address. Every connection of the service shares one gate; each
 * takes and gives back what it holds ({@link LimitsHandler}), so the counts fall back to zero when
 * the connections are gone.
 */
public final class RequestGate {

  /** Why a connection or request was turned away or closed ({@code reason} tag of the metrics). */
  enum Reason {
    CONNECTIONS("max-connections"),
    CONNECTIONS_PER_ADDRESS("max-connections-per-address"),
    IN_FLIGHT_BYTES("max-in-flight-request-bytes"),
    IN_FLIGHT_BYTES_PER_ADDRESS("max-in-flight-request-bytes-per-address"),
    HEADER_TIMEOUT("request-header-timeout");

    final String tag;

    Reason(String tag) {
      this.tag = tag;
    }
  }

  /** What a new connection may do. */
  enum Admission {
    ADMITTED,
    ANSWER_503,
    REFUSED
  }

  private final HttpLimits limits;
  private final AtomicLong connections = new AtomicLong();
  private final AtomicLong bytes = new AtomicLong();
  private final ConcurrentHashMap<InetAddress, Counts> perAddress = new ConcurrentHashMap<>();
  private final Counter[] rejected = new Counter[Reason.values().length];

  /** Connections and bytes of one client address; removed when both are back at zero. */
  private static final class Counts {
    long connections;
    long bytes;
  }

  public RequestGate(HttpLimits limits, MeterRegistry meters) {
    this.limits = limits;
    if (meters != null) {
      Gauge.builder("vitalflow.http.connections", connections, AtomicLong::get)
          .description("open HTTP connections")
          .register(meters);
      Gauge.builder("vitalflow.http.in.flight.request.bytes", bytes, AtomicLong::get)
          .description("request body bytes reserved by requests not yet answered")
          .register(meters);
      for (Reason reason : Reason.values()) {
        rejected[reason.ordinal()] =
            Counter.builder("vitalflow.http.rejected")
                .tag("reason", reason.tag)
                .description("connections and requests answered 503 or closed by an HTTP limit")
                .register(meters);
      }
    }
  }

  public HttpLimits limits() {
    return limits;
  }

  /** Open connections now. */
  public long connections() {
    return connections.get();
  }

  /** Reserved request bytes now. */
  public long inFlightBytes() {
    return bytes.get();
  }

  /**
   * Counts a new connection (always: {@link #closeConnection} gives it back) and says what it may
   * do.
   */
  Admission openConnection(InetAddress address) {
    long total = connections.incrementAndGet();
    long fromAddress =
        perAddress.compute(
                address,
                (key, counts) -> {
                  Counts next = counts == null ? new Counts() : counts;
                  next.connections++;
                  return next;
                })
            .connections;
    int perAddressMax = limits.maxConnectionsPerAddress();
    boolean addressFull = perAddressMax > 0 && fromAddress > perAddressMax;
    if (total <= limits.maxConnections() && !addressFull) {
      return Admission.ADMITTED;
    }
    count(
        addressFull && total <= limits.maxConnections()
            ? Reason.CONNECTIONS_PER_ADDRESS
            : Reason.CONNECTIONS);
    boolean farOver =
        total > limits.maxConnections() + limits.answeredOverflow()
            || addressFull && fromAddress > perAddressMax + limits.answeredOverflow();
    return farOver ? Admission.REFUSED : Admission.ANSWER_503;
  }

  void closeConnection(InetAddress address) {
    connections.decrementAndGet();
    release(address, counts -> counts.connections--);
  }

  /**
   * Reserves {@code count} request bytes for {@code address}; null when they fit, else the limit
   * they hit.
   */
  Reason reserve(InetAddress address, long count) {
    long perAddressMax = limits.maxInFlightRequestBytesPerAddress().toBytes();
    boolean[] fits = {true};
    perAddress.compute(
        address,
        (key, counts) -> {
          Counts next = counts == null ? new Counts() : counts;
          if (perAddressMax > 0 && next.bytes + count > perAddressMax) {
            fits[0] = false;
          } else {
            next.bytes += count;
          }
          return next.connections == 0 && next.bytes == 0 ? null : next;
        });
    if (!fits[0]) {
      count(Reason.IN_FLIGHT_BYTES_PER_ADDRESS);
      return Reason.IN_FLIGHT_BYTES_PER_ADDRESS;
    }
    if (bytes.addAndGet(count) > limits.maxInFlightRequestBytes().toBytes()) {
      bytes.addAndGet(-count);
      release(address, counts -> counts.bytes -= count);
      count(Reason.IN_FLIGHT_BYTES);
      return Reason.IN_FLIGHT_BYTES;
    }
    return null;
  }

  void unreserve(InetAddress address, long count) {
    if (count > 0) {
      bytes.addAndGet(-count);
      release(address, counts -> counts.bytes -= count);
    }
  }

  void count(Reason reason) {
    Counter counter = rejected[reason.ordinal()];
    if (counter != null) {
      counter.increment();
    }
  }

  private void release(InetAddress address, Consumer<Counts> change) {
    perAddress.computeIfPresent(
        address,
        (key, counts) -> {
          change.accept(counts);
          return counts.connections <= 0 && counts.bytes <= 0 ? null : counts;
        });
  }
}
