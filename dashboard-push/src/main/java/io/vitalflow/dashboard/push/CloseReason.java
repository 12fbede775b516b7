package io.vitalflow.dashboard.push;

/**
 * Why the server ends a connection: the {@code error} code sent last, and the WebSocket close status.
 */
record CloseReason(String code, int status, String message) {

  static final CloseReason SLOW_CLIENT = new CloseReason("slow-client", 4008,
      "the connection could not keep up; reconnect to get a fresh snapshot");
  static final CloseReason IDLE = new CloseReason("idle-timeout", 4000, "no message or pong from the client in time");
  static final CloseReason CLIENT_GONE = new CloseReason("closed", 1000, "closed");
  static final CloseReason SHUTDOWN = new CloseReason("shutdown", 1001, "the server is shutting down");
}
