package io.vitalflow.dashboard.push.transport;

/** How a client is connected. */
public enum Transport {
  WEBSOCKET("websocket"),
  SSE("sse");

  public final String tag;

  Transport(String tag) {
    this.tag = tag;
  }
}
