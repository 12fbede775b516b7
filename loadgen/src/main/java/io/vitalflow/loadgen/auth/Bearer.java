package io.vitalflow.loadgen.auth;

import io.vitalflow.auth.RenewingToken;
import java.time.Duration;
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

  /**
   * The token of {@code token}, renewed when due. A renewal that fails (the token endpoint is down
   * or refuses) keeps the last token, which the services refuse with 401 once it expires (counted
   * as failed requests, not a crash), and is tried again at most every {@link #RETRY} rather than
   * on every request.
   */
  static Bearer renewing(RenewingToken token) {
    return new Bearer(new Renewing(token));
  }

  /** How long after a failed renewal the next one is tried. */
  static final Duration RETRY = Duration.ofSeconds(5);

  private static final class Renewing implements Supplier<String> {
    private final RenewingToken token;
    private String last;
    private boolean backingOff;
    private long retryAt;

    Renewing(RenewingToken token) {
      this.token = token;
    }

    @Override
    public synchronized String get() {
      long now = System.nanoTime();
      if (backingOff && now - retryAt < 0) {
        return last;
      }
      try {
        last = "Bearer " + token.get();
        backingOff = false;
      } catch (RuntimeException e) {
        if (last == null) {
          throw e;
        }
        backingOff = true;
        retryAt = now + RETRY.toNanos();
      }
      return last;
    }
  }

  /**
   * {@code Bearer <token>}, or null when requests carry none.
   *
   * @throws io.vitalflow.auth.TokenException the first token was refused (later refusals keep the
   *     last token)
   * @throws java.io.UncheckedIOException the first token request could not reach the endpoint
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
