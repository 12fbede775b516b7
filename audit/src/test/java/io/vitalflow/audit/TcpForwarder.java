package io.vitalflow.audit;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Forwards a local port to another address: stands for a broker address that comes back after an
 * outage (Kafka clients bootstrap through it, then talk to the broker it names).
 */
final class TcpForwarder implements AutoCloseable {

  private final ServerSocket server;
  private final List<Socket> sockets = new CopyOnWriteArrayList<>();

  private TcpForwarder(ServerSocket server, String targetHost, int targetPort) {
    this.server = server;
    Thread acceptor =
        new Thread(
            () -> {
              while (!server.isClosed()) {
                try {
                  Socket client = server.accept();
                  Socket target = new Socket(targetHost, targetPort);
                  sockets.add(client);
                  sockets.add(target);
                  pump(client, target);
                  pump(target, client);
                } catch (IOException e) {
                  // closed
                }
              }
            },
            "forwarder-accept");
    acceptor.setDaemon(true);
    acceptor.start();
  }

  /** Listens on 127.0.0.1:{@code port} and forwards to {@code host:port} of {@code target}. */
  static TcpForwarder start(int port, String target) throws IOException {
    String first = target.split(",")[0];
    int colon = first.lastIndexOf(':');
    ServerSocket server = new ServerSocket();
    server.setReuseAddress(true);
    server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
    return new TcpForwarder(
        server, first.substring(0, colon), Integer.parseInt(first.substring(colon + 1)));
  }

  private static void pump(Socket from, Socket to) {
    Thread thread =
        new Thread(
            () -> {
              try (InputStream in = from.getInputStream();
                  OutputStream out = to.getOutputStream()) {
                in.transferTo(out);
              } catch (IOException e) {
                // one side closed
              } finally {
                closeQuietly(from);
                closeQuietly(to);
              }
            },
            "forwarder-pump");
    thread.setDaemon(true);
    thread.start();
  }

  private static void closeQuietly(Socket socket) {
    try {
      socket.close();
    } catch (IOException e) {
      // already closed
    }
  }

  @Override
  public void close() throws IOException {
    server.close();
    sockets.forEach(TcpForwarder::closeQuietly);
  }
}
