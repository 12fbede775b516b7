package io.vitalflow.loadgen.abuse;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;

/**
 * Slowloris, slow bodies and the connection flood on raw sockets, all on one thread with one
 * selector (so thousands of connections cost no threads). Each kind keeps its connections up while
 * it runs: one the server ends is recorded (its answer or close, and after how long) and opened
 * again. Everything stops by itself at the deadline given to {@link #run}; no connection outlives
 * it.
 */
final class SocketAttacks {

  /** The attacks. */
  enum Kind {
    SLOWLORIS("slowloris"),
    SLOW_BODY("slow bodies"),
    FLOOD("connection flood");

    final String label;

    Kind(String label) {
      this.label = label;
    }
  }

  static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);
  private static final long TICK_NANOS = TimeUnit.MILLISECONDS.toNanos(50);
  private static final long REOPEN_PAUSE_NANOS = TimeUnit.MILLISECONDS.toNanos(250);
  private static final long BODY_STEP_NANOS = TimeUnit.MILLISECONDS.toNanos(250);
  private static final int MAX_PENDING_CONNECTS = 256;
  private static final byte[] FILLER =
      "X-Slow-Header: still-coming\r\n".getBytes(StandardCharsets.US_ASCII);

  private final AbuseOptions options;
  private final List<InetSocketAddress> targets;
  private final InetSocketAddress ingest;
  private final byte[] slowBodyHead;
  private final byte[] slowBodyLine;
  private final Map<Kind, Tally> tallies = new EnumMap<>(Kind.class);
  private final Set<Connection> open = new HashSet<>();
  private final ByteBuffer readBuffer = ByteBuffer.allocate(512);
  private volatile boolean stopped;
  private Selector selector;
  private int nextTarget;
  private long floodPhaseStart;
  private boolean floodHolding;
  private long floodOpenedThisSecond;
  private long floodSecond;
  private long descriptorPauseUntil;

  SocketAttacks(AbuseOptions options, String slowPatient) {
    this.options = options;
    this.targets = options.services().stream().map(s -> address(s.base())).toList();
    this.ingest = address(options.ingest());
    this.slowBodyHead =
        ("POST /api/v1/vitals HTTP/1.1\r\nHost: "
                + hostHeader(ingest)
                + "\r\nUser-Agent: vitalflow-loadgen-abuse\r\nContent-Type: application/x-ndjson\r\nContent-Length: "
                + options.slowBodySize()
                + "\r\n\r\n")
            .getBytes(StandardCharsets.US_ASCII);
    this.slowBodyLine =
        ("{\"patientId\":\""
                + slowPatient
                + "\",\"deviceId\":\""
                + slowPatient
                + "\",\"code\":\"8867-4\",\"value\":72,\"unit\":\"/min\",\"effectiveTime\":\""
                + Instant.now().truncatedTo(ChronoUnit.SECONDS)
                + "\"}\n")
            .getBytes(StandardCharsets.US_ASCII);
    for (Kind kind : Kind.values()) {
      tallies.put(kind, new Tally());
    }
  }

  /**
   * Runs every attack until {@code deadlineNanos} (System.nanoTime) or {@link #stop}; then closes
   * everything.
   */
  Map<Kind, AttackResult> run(long deadlineNanos) throws IOException {
    try (Selector s = Selector.open()) {
      selector = s;
      floodPhaseStart = System.nanoTime();
      while (!stopped && System.nanoTime() < deadlineNanos) {
        long now = System.nanoTime();
        connectMore(now);
        sendDue(now);
        expireConnects(now);
        selector.select(
            Math.max(1, TimeUnit.NANOSECONDS.toMillis(Math.min(TICK_NANOS, deadlineNanos - now))));
        handleReady(System.nanoTime());
      }
      long end = System.nanoTime();
      for (Connection connection : new ArrayList<>(open)) {
        if (connection.connected) {
          tallies.get(connection.kind).openAtEnd.recordValue(millis(end - connection.connectedAt));
        }
        close(connection);
      }
    }
    Map<Kind, AttackResult> results = new EnumMap<>(Kind.class);
    tallies.forEach((kind, tally) -> results.put(kind, tally.result(kind.label)));
    return results;
  }

  /** Stops the attacks early (from any thread). */
  void stop() {
    stopped = true;
    Selector s = selector;
    if (s != null) {
      s.wakeup();
    }
  }

  // ---- opening ----

  private void connectMore(long now) {
    if (now < descriptorPauseUntil) {
      return;
    }
    topUp(Kind.SLOWLORIS, options.slowloris(), now);
    topUp(Kind.SLOW_BODY, options.slowBodies(), now);
    flood(now);
  }

  private void topUp(Kind kind, int wanted, long now) {
    Tally tally = tallies.get(kind);
    while (tally.current < wanted && pending() < MAX_PENDING_CONNECTS && now >= tally.reopenAfter) {
      InetSocketAddress target =
          kind == Kind.SLOW_BODY ? ingest : targets.get(nextTarget++ % targets.size());
      if (!connect(kind, target, now)) {
        return;
      }
    }
  }

  /** Opens up to the cap at the ramp rate, holds, releases everything, and starts again. */
  private void flood(long now) {
    if (options.flood() == 0) {
      return;
    }
    Tally tally = tallies.get(Kind.FLOOD);
    if (floodHolding) {
      if (now - floodPhaseStart >= options.floodHold().toNanos()) {
        for (Connection connection : new ArrayList<>(open)) {
          if (connection.kind == Kind.FLOOD) {
            tally.released++;
            close(connection);
          }
        }
        floodHolding = false;
        floodPhaseStart = now;
      }
      return;
    }
    long second = now / 1_000_000_000L;
    if (second != floodSecond) {
      floodSecond = second;
      floodOpenedThisSecond = 0;
    }
    while (tally.current < options.flood()
        && floodOpenedThisSecond < options.floodRamp()
        && pending() < MAX_PENDING_CONNECTS) {
      if (!connect(Kind.FLOOD, targets.get(nextTarget++ % targets.size()), now)) {
        break;
      }
      floodOpenedThisSecond++;
    }
    boolean full = tally.current >= options.flood() && pending() == 0;
    boolean stalled =
        now - floodPhaseStart
            > options.flood() * 1_000_000_000L / options.floodRamp() + CONNECT_TIMEOUT.toNanos();
    if (full || stalled) {
      floodHolding = true;
      floodPhaseStart = now;
    }
  }

  private boolean connect(Kind kind, InetSocketAddress target, long now) {
    Tally tally = tallies.get(kind);
    SocketChannel channel;
    try {
      channel = SocketChannel.open();
    } catch (IOException e) {
      // the generator's own file descriptors ran out: wait a second, the report names it
      tally.failed("generator out of file descriptors");
      descriptorPauseUntil = now + TimeUnit.SECONDS.toNanos(1);
      return false;
    }
    Connection connection = new Connection(kind, channel, now, target);
    try {
      open.add(connection);
      tally.current++;
      channel.configureBlocking(false);
      channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
      if (options.attackFrom() != null) {
        bind(channel);
      }
      if (channel.connect(target)) {
        connected(connection, now);
      } else {
        connection.key = channel.register(selector, SelectionKey.OP_CONNECT, connection);
      }
      return true;
    } catch (IOException e) {
      connectFailed(connection, e, now);
      return true;
    }
  }

  private void bind(SocketChannel channel) throws IOException {
    try {
      channel.bind(new InetSocketAddress(options.attackFrom(), 0));
    } catch (IOException e) {
      throw new IOException("cannot bind " + options.attackFrom().getHostAddress(), e);
    }
  }

  private void connected(Connection connection, long now) throws IOException {
    connection.connected = true;
    connection.connectedAt = now;
    connection.nextSend = now;
    Tally tally = tallies.get(connection.kind);
    tally.opened++;
    tally.peak = Math.max(tally.peak, tally.current);
    if (connection.key == null) {
      connection.key = connection.channel.register(selector, SelectionKey.OP_READ, connection);
    } else {
      connection.key.interestOps(SelectionKey.OP_READ);
    }
    if (connection.kind == Kind.SLOW_BODY) {
      write(connection, slowBodyHead, 0, slowBodyHead.length);
    }
  }

  private void connectFailed(Connection connection, IOException e, long now) {
    Tally tally = tallies.get(connection.kind);
    tally.failed(kind(e));
    tally.reopenAfter = now + REOPEN_PAUSE_NANOS;
    close(connection);
  }

  private void expireConnects(long now) {
    for (Connection connection : new ArrayList<>(open)) {
      if (!connection.connected && now - connection.createdAt > CONNECT_TIMEOUT.toNanos()) {
        connectFailed(connection, new IOException("timeout"), now);
      }
    }
  }

  private int pending() {
    int pending = 0;
    for (Connection connection : open) {
      if (!connection.connected) {
        pending++;
      }
    }
    return pending;
  }

  // ---- sending ----

  private void sendDue(long now) {
    for (Connection connection : new ArrayList<>(open)) {
      if (!connection.connected || now < connection.nextSend || !open.contains(connection)) {
        continue;
      }
      try {
        if (connection.kind == Kind.SLOWLORIS) {
          byte[] head = slowlorisHead(connection);
          long at = connection.sent;
          byte next =
              at < head.length
                  ? head[(int) at]
                  : FILLER[(int) ((at - head.length) % FILLER.length)];
          write(connection, new byte[] {next}, 0, 1);
          connection.nextSend = now + options.slowlorisEvery().toNanos();
        } else if (connection.kind == Kind.SLOW_BODY) {
          long bodySent = connection.sent - slowBodyHead.length;
          long left = options.slowBodySize() - bodySent;
          int step = (int) Math.min(left, Math.max(1, options.slowBodyRate() / 4));
          if (step > 0) {
            byte[] chunk = new byte[step];
            for (int i = 0; i < step; i++) {
              chunk[i] = slowBodyLine[(int) ((bodySent + i) % slowBodyLine.length)];
            }
            write(connection, chunk, 0, step);
          }
          connection.nextSend = now + BODY_STEP_NANOS;
        } else {
          connection.nextSend = Long.MAX_VALUE;
        }
      } catch (IOException e) {
        ended(connection, "reset", now);
      }
    }
  }

  private byte[] slowlorisHead(Connection connection) {
    if (connection.head == null) {
      connection.head =
          ("GET /actuator/health HTTP/1.1\r\nHost: "
                  + hostHeader(connection.target)
                  + "\r\nUser-Agent: vitalflow-loadgen-abuse\r\n")
              .getBytes(StandardCharsets.US_ASCII);
    }
    return connection.head;
  }

  private void write(Connection connection, byte[] bytes, int offset, int length)
      throws IOException {
    // a full send buffer takes what fits: the attack is slow by design, the rest goes with the next
    // step
    int written = connection.channel.write(ByteBuffer.wrap(bytes, offset, length));
    connection.sent += written;
    tallies.get(connection.kind).bytesSent += written;
  }

  // ---- reading ----

  private void handleReady(long now) {
    for (SelectionKey key : selector.selectedKeys()) {
      Connection connection = (Connection) key.attachment();
      if (!key.isValid() || !open.contains(connection)) {
        continue;
      }
      try {
        if (key.isConnectable()) {
          if (connection.channel.finishConnect()) {
            connected(connection, now);
          }
        } else if (key.isReadable()) {
          read(connection, now);
        }
      } catch (IOException e) {
        if (connection.connected) {
          ended(connection, "reset", now);
        } else {
          connectFailed(connection, e, now);
        }
      }
    }
    selector.selectedKeys().clear();
  }

  private void read(Connection connection, long now) throws IOException {
    readBuffer.clear();
    int n = connection.channel.read(readBuffer);
    if (n < 0) {
      ended(connection, "closed without an answer", now);
      return;
    }
    if (n > 0) {
      String text = new String(readBuffer.array(), 0, Math.min(n, 16), StandardCharsets.US_ASCII);
      String status =
          text.length() >= 12 && text.startsWith("HTTP/1.")
              ? "HTTP " + text.substring(9, 12)
              : "an answer that is not HTTP";
      ended(connection, status, now);
    }
  }

  /**
   * The server answered or closed: recorded, closed on this side, opened again by the next top-up.
   */
  private void ended(Connection connection, String how, long now) {
    Tally tally = tallies.get(connection.kind);
    tally.endings.merge(how, 1L, Long::sum);
    tally.endedAfter.recordValue(millis(now - connection.connectedAt));
    tally.reopenAfter = now + REOPEN_PAUSE_NANOS;
    close(connection);
  }

  private void close(Connection connection) {
    if (open.remove(connection)) {
      tallies.get(connection.kind).current--;
    }
    if (connection.key != null) {
      connection.key.cancel();
    }
    try {
      connection.channel.close();
    } catch (IOException e) {
      // closing a socket the server already dropped: nothing left to release
    }
  }

  private static String kind(IOException e) {
    String message = e.getMessage() == null ? "" : e.getMessage().toLowerCase(Locale.ROOT);
    if (message.contains("refused")) {
      return "connection refused";
    }
    if (message.contains("timeout") || message.contains("timed out")) {
      return "connect timeout";
    }
    if (message.startsWith("cannot bind")) {
      return e.getMessage() + " (--attack-from)";
    }
    if (message.contains("too many open files")) {
      return "generator out of file descriptors";
    }
    return e.getClass().getSimpleName();
  }

  private static long millis(long nanos) {
    return Math.max(0, TimeUnit.NANOSECONDS.toMillis(nanos));
  }

  static InetSocketAddress address(URI base) {
    int port = base.getPort() > 0 ? base.getPort() : "https".equals(base.getScheme()) ? 443 : 80;
    return new InetSocketAddress(base.getHost(), port);
  }

  private static String hostHeader(InetSocketAddress address) {
    return address.getHostString() + ":" + address.getPort();
  }

  /** One socket of an attack; touched only by the attack thread. */
  private static final class Connection {
    final Kind kind;
    final SocketChannel channel;
    final long createdAt;
    final InetSocketAddress target;
    SelectionKey key;
    boolean connected;
    long connectedAt;
    long nextSend;
    long sent;
    byte[] head;

    Connection(Kind kind, SocketChannel channel, long createdAt, InetSocketAddress target) {
      this.kind = kind;
      this.channel = channel;
      this.createdAt = createdAt;
      this.target = target;
    }
  }

  /** One attack's counts; touched only by the attack thread, read after {@link #run} returned. */
  private static final class Tally {
    final Map<String, Long> failures = new TreeMap<>();
    final Map<String, Long> endings = new TreeMap<>();
    final Histogram endedAfter = new Histogram(3);
    final Histogram openAtEnd = new Histogram(3);
    long opened;
    long peak;
    long current;
    long released;
    long bytesSent;
    long reopenAfter;

    void failed(String kind) {
      failures.merge(kind, 1L, Long::sum);
    }

    AttackResult result(String name) {
      return new AttackResult(
          name, opened, peak, failures, endings, endedAfter, released, openAtEnd, bytesSent);
    }
  }
}
