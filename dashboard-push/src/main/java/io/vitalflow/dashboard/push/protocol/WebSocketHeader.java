package io.vitalflow.dashboard.push.protocol;

/**
 * The header of an unmasked, final WebSocket text frame (RFC 6455 5.2), as a server sends it:
 * opcode byte {@code 0x81}, then the payload length in 7 bits, or 126 and 16 bits, or 127 and 64
 * bits.
 */
final class WebSocketHeader {

  private static final byte FINAL_TEXT = (byte) 0x81;

  private WebSocketHeader() {}

  static int length(int payload) {
    return payload < 126 ? 2 : payload < 65_536 ? 4 : 10;
  }

  /** Writes the header for {@code payload} bytes at the start of {@code frame}. */
  static void write(byte[] frame, int payload) {
    frame[0] = FINAL_TEXT;
    if (payload < 126) {
      frame[1] = (byte) payload;
    } else if (payload < 65_536) {
      frame[1] = 126;
      frame[2] = (byte) (payload >>> 8);
      frame[3] = (byte) payload;
    } else {
      frame[1] = 127;
      long length = payload;
      for (int i = 0; i < 8; i++) {
        frame[2 + i] = (byte) (length >>> (56 - 8 * i));
      }
    }
  }
}
