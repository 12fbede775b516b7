package io.vitalflow.dashboard.push.protocol;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * One server message, encoded once: a complete, unmasked WebSocket text frame (header and JSON)
 * built when the message is created, and the SSE frame built at most once, when an SSE connection
 * first asks. The same instance goes to every connection that should get it; a WebSocket connection
 * writes a wrapper around the very same bytes ({@link #websocket()}), so fan-out costs no encoding
 * and no copy per client.
 */
public final class Frame {

  private final long seq;
  private final String patientId;
  private final String kind;
  private final String coalesceKey;
  private final String sseId;
  private final byte[] wire;
  private final int header;
  private volatile byte[] sse;

  private Frame(
      long seq, String patientId, String kind, String coalesceKey, byte[] json, String sseId) {
    this.seq = seq;
    this.patientId = patientId;
    this.kind = kind;
    this.coalesceKey = coalesceKey;
    this.sseId = sseId;
    this.header = WebSocketHeader.length(json.length);
    this.wire = new byte[header + json.length];
    WebSocketHeader.write(wire, json.length);
    System.arraycopy(json, 0, wire, header, json.length);
  }

  /**
   * A message; {@code sseId} is the SSE {@code id:} ({@code <instance>:<seq>}) of resumable ones,
   * else null.
   *
   * @param seq the instance-wide sequence number; 0 for messages that are not replayable
   * @param patientId the patient it concerns, or null for per-connection messages
   * @param kind the message type ({@code vital}, {@code alert}, ...)
   * @param coalesceKey messages with the same non-null key replace each other in a connection's
   *     queue
   */
  public static Frame of(
      long seq, String patientId, String kind, String coalesceKey, byte[] json, String sseId) {
    return new Frame(seq, patientId, kind, coalesceKey, json, sseId);
  }

  /** A per-connection message (subscribed, error, heartbeat): never coalesced, no SSE id. */
  public static Frame control(String kind, byte[] json) {
    return of(0, null, kind, null, json, null);
  }

  public long seq() {
    return seq;
  }

  public String patientId() {
    return patientId;
  }

  public String kind() {
    return kind;
  }

  public String coalesceKey() {
    return coalesceKey;
  }

  /**
   * The complete WebSocket text frame, as a buffer over the shared bytes (write it as is, below the
   * encoder).
   */
  public ByteBuf websocket() {
    return Unpooled.wrappedBuffer(wire);
  }

  /** The JSON alone, as a read-only view of the shared bytes. */
  public ByteBuffer jsonBuffer() {
    return ByteBuffer.wrap(wire, header, wire.length - header).slice().asReadOnlyBuffer();
  }

  /** The JSON alone (a copy). */
  byte[] json() {
    byte[] json = new byte[wire.length - header];
    System.arraycopy(wire, header, json, 0, json.length);
    return json;
  }

  public String text() {
    return new String(wire, header, wire.length - header, StandardCharsets.UTF_8);
  }

  /** The complete SSE frame ({@code id:} line when resumable, {@code data:} line, blank line). */
  public byte[] sse() {
    byte[] built = sse;
    if (built == null) {
      built = buildSse();
      sse = built;
    }
    return built;
  }

  private byte[] buildSse() {
    String head = (sseId != null ? "id: " + sseId + "\n" : "") + "data: ";
    byte[] headBytes = head.getBytes(StandardCharsets.UTF_8);
    int jsonLength = wire.length - header;
    byte[] built = new byte[headBytes.length + jsonLength + 2];
    System.arraycopy(headBytes, 0, built, 0, headBytes.length);
    System.arraycopy(wire, header, built, headBytes.length, jsonLength);
    built[built.length - 2] = '\n';
    built[built.length - 1] = '\n';
    return built;
  }
}
