package io.vitalflow.dashboard.push;

import java.nio.charset.StandardCharsets;

/**
 * One server message, encoded once: the JSON (sent as a WebSocket text frame) and the SSE frame (sent as
 * is). The same instance goes to every connection that should get it.
 *
 * @param seq the instance-wide sequence number; 0 for messages that are not replayable
 * @param patientId the patient it concerns, or null for per-connection messages
 * @param kind the message type ({@code vital}, {@code alert}, ...)
 * @param coalesceKey messages with the same non-null key replace each other in a connection's queue
 * @param json the JSON message
 * @param sse the complete SSE frame ({@code id:} line when resumable, {@code data:} line, blank line)
 */
record Frame(long seq, String patientId, String kind, String coalesceKey, byte[] json, byte[] sse) {

  static Frame of(long seq, String patientId, String kind, String coalesceKey, byte[] json, String sseId) {
    StringBuilder head = new StringBuilder(32);
    if (sseId != null) {
      head.append("id: ").append(sseId).append('\n');
    }
    head.append("data: ");
    byte[] headBytes = head.toString().getBytes(StandardCharsets.UTF_8);
    byte[] sse = new byte[headBytes.length + json.length + 2];
    System.arraycopy(headBytes, 0, sse, 0, headBytes.length);
    System.arraycopy(json, 0, sse, headBytes.length, json.length);
    sse[sse.length - 2] = '\n';
    sse[sse.length - 1] = '\n';
    return new Frame(seq, patientId, kind, coalesceKey, json, sse);
  }

  /** A per-connection message (subscribed, error, heartbeat): never coalesced, no SSE id. */
  static Frame control(String kind, byte[] json) {
    return of(0, null, kind, null, json, null);
  }

  String text() {
    return new String(json, StandardCharsets.UTF_8);
  }
}
