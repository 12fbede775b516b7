package io.vitalflow.dashboard.push;

/** How a client is connected. */
enum Transport {
  WEBSOCKET("websocket"), SSE("sse");

  final String tag;

  Transport(String tag) {
    this.tag = tag;
  }
}
