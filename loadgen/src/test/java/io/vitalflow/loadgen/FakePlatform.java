package io.vitalflow.loadgen;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A tiny stand-in for the FHIR API, the vitals API and the ingest gateway on one loopback port: it
 * counts what arrives and answers as the real services do, without storing anything but the Patient
 * ids. A test of the generator, not of a server.
 */
public final class FakePlatform implements AutoCloseable {

  static {
    // the JDK server writes headers and body separately: without this, Nagle and delayed ACKs add
    // ~40 ms
    System.setProperty("sun.net.httpserver.nodelay", "true");
  }

  private static final Pattern PUT =
      Pattern.compile("\"method\":\"PUT\",\"url\":\"Patient/([^\"]+)\"");
  private static final Pattern TIME = Pattern.compile("\"effectiveTime\":\"([^\"]+)\"");

  /** One NDJSON request as it arrived: its readings and the range of their effective times. */
  public record ReadingsRequest(int readings, Instant from, Instant to) {}

  public final Set<String> patients = ConcurrentHashMap.newKeySet();
  public final AtomicLong bundles = new AtomicLong();
  public final AtomicLong patientReads = new AtomicLong();
  public final AtomicLong recentReads = new AtomicLong();
  public final AtomicLong hourlyReads = new AtomicLong();
  public final AtomicLong newReadings = new AtomicLong();
  public final List<ReadingsRequest> readingsRequests = new CopyOnWriteArrayList<>();
  public final Set<String> unexpected = ConcurrentHashMap.newKeySet();

  private final HttpServer server;
  private final ExecutorService threads = Executors.newFixedThreadPool(8);

  public FakePlatform() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 200);
    server.setExecutor(threads);
    server.createContext("/", this::handle);
    server.start();
  }

  public String base() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange;
        InputStream in = exchange.getRequestBody()) {
      String body = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      String method = exchange.getRequestMethod();
      String path = exchange.getRequestURI().getPath();
      String query = exchange.getRequestURI().getRawQuery();
      if (method.equals("GET")
          && (path.equals("/fhir/metadata") || path.equals("/actuator/health"))) {
        answer(exchange, 200, "{}");
      } else if (method.equals("POST") && path.equals("/fhir")) {
        answer(exchange, 200, batch(body));
      } else if (method.equals("GET") && path.startsWith("/fhir/Patient/")) {
        patientRead(exchange, path.substring("/fhir/Patient/".length()));
      } else if (method.equals("GET")
          && path.matches("/api/v1/patients/[^/]+/vitals")
          && "window=PT24H&limit=100".equals(query)) {
        recentReads.incrementAndGet();
        answer(exchange, 200, "[{\"code\":\"8867-4\",\"value\":72.0}]");
      } else if (method.equals("GET")
          && path.matches("/api/v1/patients/[^/]+/vitals/hourly")
          && "window=P7D".equals(query)) {
        hourlyReads.incrementAndGet();
        answer(exchange, 200, "[]");
      } else if (method.equals("POST") && path.equals("/api/v1/vitals")) {
        answer(
            exchange, 200, readings(body, exchange.getRequestHeaders().getFirst("Content-Type")));
      } else if (method.equals("GET") && path.matches("/api/v1/patients/[^/]+/vitals")) {
        answer(exchange, 200, "[]");
      } else {
        unexpected.add(method + " " + exchange.getRequestURI());
        answer(exchange, 404, "{}");
      }
    }
  }

  private String batch(String body) {
    bundles.incrementAndGet();
    StringBuilder response =
        new StringBuilder("{\"resourceType\":\"Bundle\",\"type\":\"batch-response\",\"entry\":[");
    Matcher put = PUT.matcher(body);
    boolean first = true;
    while (put.find()) {
      boolean created = patients.add(put.group(1));
      response
          .append(first ? "" : ",")
          .append("{\"response\":{\"status\":\"")
          .append(created ? "201 Created" : "200 OK")
          .append("\",\"location\":\"Patient/")
          .append(put.group(1))
          .append("/_history/1\"}}");
      first = false;
    }
    return response.append("]}").toString();
  }

  private void patientRead(HttpExchange exchange, String id) throws IOException {
    patientReads.incrementAndGet();
    if (patients.contains(id)) {
      answer(
          exchange, 200, "{\"resourceType\":\"Patient\",\"id\":\"" + id + "\",\"contact\":[{}]}");
    } else {
      answer(exchange, 404, "{\"resourceType\":\"OperationOutcome\"}");
    }
  }

  private String readings(String body, String contentType) {
    if ("application/json".equals(contentType)) {
      newReadings.incrementAndGet();
      return "{\"accepted\":1,\"rejected\":[]}";
    }
    int count = 0;
    Instant from = null;
    Instant to = null;
    Matcher time = TIME.matcher(body);
    while (time.find()) {
      Instant t = Instant.parse(time.group(1));
      from = from == null || t.isBefore(from) ? t : from;
      to = to == null || t.isAfter(to) ? t : to;
      count++;
    }
    readingsRequests.add(new ReadingsRequest(count, from, to));
    return "{\"accepted\":" + count + ",\"rejected\":[]}";
  }

  private static void answer(HttpExchange exchange, int status, String body) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", "application/json");
    exchange.sendResponseHeaders(status, bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }

  @Override
  public void close() {
    server.stop(0);
    threads.shutdownNow();
  }
}
