package io.vitalflow.dashboard.push.protocol;

/**
 * Why the server ends a connection: the {@code error} code sent last, and the WebSocket close
 * status.
 */
public record CloseReason(String code, int status, String message) {

  public static final CloseReason SLOW_CLIENT =
      new CloseReason(
          "slow-client",
          4008,
          "the connection could not keep up; reconnect to get a fresh snapshot");
  public static final CloseReason IDLE =
      new CloseReason("idle-timeout", 4000, "no message or pong from the client in time");

  /**
   * The token the connection was opened with expired (its {@code exp} plus the clock skew): the
   * client reconnects with a fresh token or ticket. 4401 mirrors HTTP 401.
   */
  public static final CloseReason TOKEN_EXPIRED =
      new CloseReason(
          "token-expired",
          4401,
          "the access token of this connection expired; reconnect with a fresh token or ticket");

  public static final CloseReason CLIENT_GONE = new CloseReason("closed", 1000, "closed");
  public static final CloseReason SHUTDOWN =
      new CloseReason("shutdown", 1001, "the server is shutting down");
}
