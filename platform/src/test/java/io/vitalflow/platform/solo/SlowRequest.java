package io.vitalflow.platform.solo;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * A request that is in flight for as long as the test wants: the head and the first half of the
 * body go out at once, the rest when {@link #finish()} is called; then the answer is read. Over a
 * plain socket, so nothing between the test and the server buffers or retries.
 */
final class SlowRequest implements AutoCloseable {

  private final Socket socket;
  private final byte[] rest;

  private SlowRequest(Socket socket, byte[] rest) {
    this.socket = socket;
    this.rest = rest;
  }

  static SlowRequest begin(
      int port, String method, String path, String contentType, String token, String body) {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    int half = bytes.length / 2;
    String head =
        method
            + " "
            + path
            + " HTTP/1.1\r\nHost: 127.0.0.1:"
            + port
            + "\r\nAuthorization: Bearer "
            + token
            + "\r\nContent-Type: "
            + contentType
            + "\r\nContent-Length: "
            + bytes.length
            + "\r\nConnection: close\r\n\r\n";
    try {
      Socket socket = new Socket("127.0.0.1", port);
      socket.setSoTimeout(60_000);
      OutputStream out = socket.getOutputStream();
      out.write(head.getBytes(StandardCharsets.US_ASCII));
      out.write(bytes, 0, half);
      out.flush();
      return new SlowRequest(socket, Arrays.copyOfRange(bytes, half, bytes.length));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Sends the rest of the body and returns the answer's head and body as text. */
  String finish() {
    try {
      OutputStream out = socket.getOutputStream();
      out.write(rest);
      out.flush();
      InputStream in = socket.getInputStream();
      ByteArrayOutputStream answer = new ByteArrayOutputStream();
      byte[] buffer = new byte[8192];
      for (int n; (n = in.read(buffer)) > 0; ) {
        answer.write(buffer, 0, n);
      }
      return answer.toString(StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The status code of an answer {@link #finish()} returned. */
  static int status(String answer) {
    String[] statusLine = answer.split("\r\n", 2)[0].split(" ");
    return statusLine.length > 1 ? Integer.parseInt(statusLine[1]) : -1;
  }

  /** A header's value in an answer, or null. */
  static String header(String answer, String name) {
    for (String line : answer.split("\r\n\r\n", 2)[0].split("\r\n")) {
      int colon = line.indexOf(':');
      if (colon > 0 && line.substring(0, colon).equalsIgnoreCase(name)) {
        return line.substring(colon + 1).strip();
      }
    }
    return null;
  }

  @Override
  public void close() {
    try {
      socket.close();
    } catch (IOException e) {
      // nothing left to do with it
    }
  }
}
