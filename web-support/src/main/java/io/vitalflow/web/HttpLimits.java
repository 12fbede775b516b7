package io.vitalflow.web;

import java.time.Duration;
import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;
import org.springframework.util.unit.DataSize;

/**
 * The HTTP limits of one service, prefix {@code vitalflow.http}: how long a connection may sit idle
 * or take to send a request, and how many connections and request bytes it may hold at once. A full
 * service answers 503 with {@code Retry-After} instead of running out of file handles or memory
 * (docs/operations.md).
 *
 * @param idleTimeout a keep-alive connection waiting for its next request is closed after this long
 * @param requestHeaderTimeout a request's line and headers must arrive within this long of their
 *     first byte (slowloris)
 * @param bodyReadTimeout longest pause between two reads of a request body
 * @param requestTimeout the whole request body must arrive within this long
 * @param maxConnections open connections at most; further ones get 503 on their first request and
 *     are closed
 * @param maxConnectionsPerAddress open connections from one client address at most (0: no
 *     per-address limit)
 * @param maxInFlightRequestBytes request body bytes held at once (declared {@code Content-Length}s
 *     of requests not yet answered, or the bytes read so far of bodies without one); a request that
 *     does not fit gets 503
 * @param maxInFlightRequestBytesPerAddress the same for one client address (0: no per-address
 *     limit)
 * @param retryAfter the {@code Retry-After} of those 503s
 */
@ConfigurationProperties("vitalflow.http")
public record HttpLimits(
    @DefaultValue("60s") Duration idleTimeout,
    @DefaultValue("10s") Duration requestHeaderTimeout,
    @DefaultValue("10s") Duration bodyReadTimeout,
    @DefaultValue("60s") Duration requestTimeout,
    @DefaultValue("2048") int maxConnections,
    @DefaultValue("512") int maxConnectionsPerAddress,
    @DefaultValue("64MB") DataSize maxInFlightRequestBytes,
    @DefaultValue("16MB") DataSize maxInFlightRequestBytesPerAddress,
    @DefaultValue("5s") Duration retryAfter) {

  public HttpLimits {
    require(positive(idleTimeout), "idle-timeout must be positive");
    require(positive(requestHeaderTimeout), "request-header-timeout must be positive");
    require(positive(bodyReadTimeout), "body-read-timeout must be positive");
    require(positive(requestTimeout), "request-timeout must be positive");
    require(maxConnections > 0, "max-connections must be positive");
    require(maxConnectionsPerAddress >= 0, "max-connections-per-address must not be negative");
    require(
        maxInFlightRequestBytes != null && maxInFlightRequestBytes.toBytes() > 0,
        "max-in-flight-request-bytes must be positive");
    require(
        maxInFlightRequestBytesPerAddress != null
            && maxInFlightRequestBytesPerAddress.toBytes() >= 0
            && maxInFlightRequestBytesPerAddress.toBytes() <= maxInFlightRequestBytes.toBytes(),
        "max-in-flight-request-bytes-per-address must be between 0 and max-in-flight-request-bytes");
    require(positive(retryAfter) && retryAfter.toSeconds() >= 1, "retry-after must be at least 1s");
  }

  /**
   * The defaults, as a service without settings binds them (from the annotations above, not written
   * again).
   */
  public static HttpLimits defaults() {
    return new Binder(new MapConfigurationPropertySource(Map.of()))
        .bindOrCreate("vitalflow.http", HttpLimits.class);
  }

  /**
   * Fails at start when a request body the service accepts ({@code setting}, e.g. {@code
   * vitalflow.ingest.max-body-size}) could never fit the in-flight budget of one client address:
   * such a request would always get 503 instead of being served.
   */
  public void requireRoomFor(long largestBody, String setting) {
    long perAddress = maxInFlightRequestBytesPerAddress.toBytes();
    long room = perAddress > 0 ? perAddress : maxInFlightRequestBytes.toBytes();
    require(
        largestBody <= room,
        "max-in-flight-request-bytes"
            + (perAddress > 0 ? "-per-address" : "")
            + " ("
            + room
            + " bytes) must be at least "
            + setting
            + " ("
            + largestBody
            + " bytes)");
  }

  /**
   * Connections over {@link #maxConnections} that still get an answer (503) before the rest are
   * refused.
   */
  int answeredOverflow() {
    return Math.max(16, maxConnections / 10);
  }

  private static boolean positive(Duration duration) {
    return duration != null && !duration.isNegative() && !duration.isZero();
  }

  private static void require(boolean condition, String message) {
    if (!condition) {
      throw new IllegalArgumentException("vitalflow.http." + message);
    }
  }
}
