package io.vitalflow.web;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/** A plain-socket HTTP/1.1 client that can misbehave: trickle a head, stall a body, stay idle. */
final class RawHttp implements AutoCloseable {

  record Response(int status, Map<String, String> headers, String body) {}

  final Socket socket;
  private final InputStream in;
  private final OutputStream out;

  private RawHttp(Socket socket) throws IOException {
    this.socket = socket;
    this.in = socket.getInputStream();
    this.out = socket.getOutputStream();
  }

  static RawHttp connect(int port) throws IOException {
    return connect(port, "127.0.0.1");
  }

  /**
   * From {@code source} (any 127.x.y.z is this machine, so tests can be several client addresses).
   */
  static RawHttp connect(int port, String source) throws IOException {
    Socket socket = new Socket();
    socket.bind(new InetSocketAddress(InetAddress.getByName(source), 0));
    socket.connect(new InetSocketAddress("127.0.0.1", port), 2000);
    socket.setSoTimeout(10_000);
    return new RawHttp(socket);
  }

  RawHttp send(String text) throws IOException {
    return send(text.getBytes(StandardCharsets.ISO_8859_1));
  }

  RawHttp send(byte[] bytes) throws IOException {
    out.write(bytes);
    out.flush();
    return this;
  }

  static String get(String path) {
    return "GET " + path + " HTTP/1.1\r\nHost: localhost\r\n\r\n";
  }

  static String postHead(String path, long contentLength) {
    return "POST "
        + path
        + " HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/octet-stream\r\n"
        + "Content-Length: "
        + contentLength
        + "\r\n\r\n";
  }

  Response response() throws IOException {
    String head = line();
    int status = Integer.parseInt(head.split(" ")[1]);
    Map<String, String> headers = new LinkedHashMap<>();
    for (String line = line(); !line.isEmpty(); line = line()) {
      int colon = line.indexOf(':');
      headers.put(
          line.substring(0, colon).trim().toLowerCase(Locale.ROOT),
          line.substring(colon + 1).trim());
    }
    byte[] body = new byte[0];
    if (headers.containsKey("content-length")) {
      body = in.readNBytes(Integer.parseInt(headers.get("content-length")));
    } else if ("chunked".equals(headers.get("transfer-encoding"))) {
      ByteArrayOutputStream all = new ByteArrayOutputStream();
      for (int size = Integer.parseInt(line(), 16); size > 0; size = Integer.parseInt(line(), 16)) {
        all.write(in.readNBytes(size));
        line();
      }
      line();
      body = all.toByteArray();
    }
    return new Response(status, headers, new String(body, StandardCharsets.UTF_8));
  }

  /**
   * Milliseconds until the server closes the connection (reading and dropping what comes), -1 if it
   * stays.
   */
  long millisUntilClosed(long waitMillis) throws IOException {
    long start = System.nanoTime();
    socket.setSoTimeout((int) waitMillis);
    try {
      byte[] sink = new byte[8192];
      while (in.read(sink) >= 0) {
        if ((System.nanoTime() - start) / 1_000_000 > waitMillis) {
          return -1;
        }
      }
    } catch (SocketTimeoutException e) {
      return -1;
    } catch (SocketException e) {
      // reset: closed as well
    }
    return (System.nanoTime() - start) / 1_000_000;
  }

  private String line() throws IOException {
    ByteArrayOutputStream line = new ByteArrayOutputStream();
    int c;
    while ((c = in.read()) != -1 && c != '\n') {
      if (c != '\r') {
        line.write(c);
      }
    }
    if (c == -1 && line.size() == 0) {
      throw new IOException("connection closed");
    }
    return line.toString(StandardCharsets.ISO_8859_1);
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }
}
