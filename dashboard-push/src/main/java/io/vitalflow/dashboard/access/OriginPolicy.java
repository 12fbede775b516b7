package io.vitalflow.dashboard.access;

import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Which web pages may open a WebSocket to this service ({@code
 * vitalflow.dashboard.allowed-origins}): a browser always sends {@code Origin} with a WebSocket
 * handshake, so a page of another site cannot use a user's connection (cross-site WebSocket
 * hijacking). Without a list, the service's own origins: {@code http://127.0.0.1:<port>}, {@code
 * http://localhost:<port>} and {@code http://[::1]:<port>} of the port the request came in on. A
 * request without {@code Origin} is not from a browser page and is allowed (it still needs a token
 * or ticket).
 */
public final class OriginPolicy {

  private final Set<String> allowed;

  public OriginPolicy(List<String> allowedOrigins) {
    this.allowed =
        allowedOrigins.stream().map(OriginPolicy::normal).collect(Collectors.toUnmodifiableSet());
  }

  /** Whether a handshake with this {@code Origin} header, on {@code localPort}, may proceed. */
  public boolean allows(String origin, int localPort) {
    if (origin == null) {
      return true;
    }
    String normal = normal(origin);
    if (!allowed.isEmpty()) {
      return allowed.contains(normal);
    }
    return normal.equals("http://127.0.0.1:" + localPort)
        || normal.equals("http://localhost:" + localPort)
        || normal.equals("http://[::1]:" + localPort);
  }

  private static String normal(String origin) {
    String trimmed = origin.trim().toLowerCase(Locale.ROOT);
    return trimmed.endsWith("/") ? trimmed.substring(0, trimmed.length() - 1) : trimmed;
  }
}
