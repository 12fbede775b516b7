package io.vitalflow.loadgen.auth;

import io.vitalflow.auth.RenewingToken;
import java.util.function.Supplier;

/**
 * The {@code Authorization} header value every request and WebSocket/SSE handshake of a run
 * carries, or none: {@link #header()} is asked per request, so a renewed token is used as soon as
 * it is there. Call it on the caller's thread, not on an event loop: a renewal is a blocking
 * request to the token endpoint (once every few minutes).
 */
public final class Bearer {

  /** No header: security off, or {@code --no-auth}. */
  public static final Bearer NONE = new Bearer(() -> null);

  private final Supplier<String> header;

  private Bearer(Supplier<String> header) {
    this.header = header;
  }

  static Bearer fixed(String header) {
    return new Bearer(() -> header);
  }

  static Bearer renewing(RenewingToken token) {
    return new Bearer(() -> "Bearer " + token.get());
  }

  /**
   * {@code Bearer <token>}, or null when requests carry none.
   *
   * @throws io.vitalflow.auth.TokenException a renewal was refused
   * @throws java.io.UncheckedIOException a renewal could not reach the token endpoint
   */
  public String header() {
    return header.get();
  }

  /** The bare token ({@link #header()} without {@code Bearer }), or null. */
  public String token() {
    String value = header();
    return value != null && value.startsWith("Bearer ") ? value.substring(7) : value;
  }
}
