package io.vitalflow.loadgen.abuse;

import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.util.AttributeKey;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import reactor.core.publisher.Mono;
import reactor.netty.DisposableServer;
import reactor.netty.http.server.HttpServer;
import reactor.netty.http.server.HttpServerRequest;
import reactor.netty.http.server.HttpServerResponse;

/**
 * The gateway, the FHIR API and the vitals reads on one loopback port, in memory, written to behave
 * as issue 12 says a platform that holds must: a connection without a complete request head is
 * closed after {@link #LIMIT}, a body that takes longer is answered 408, hostile writes get 4xx, a
 * reused reading id is stored once. Or, with {@code holding=false}, as one that does not: no
 * limits, 500 for hostile writes, every 7th batch of several readings acknowledged but lost. A test
 * of the generator, not of a server.
 */
final class FakeAbusePlatform implements AutoCloseable {

  static final Duration LIMIT = Duration.ofMillis(700);
  private static final AttributeKey<AtomicInteger> REQUESTS =
      AttributeKey.valueOf("abuse-fake-requests");
  private static final Pattern ID = Pattern.compile("\"id\":\"([^\"]+)\"");
  private static final Pattern PATIENT = Pattern.compile("\"patientId\":\"([^\"]+)\"");
  private static final Pattern DEVICE = Pattern.compile("\"deviceId\":\"([^\"]+)\"");
  private static final Pattern TIME = Pattern.compile("\"effectiveTime\":\"([^\"]+)\"");
  private static final Pattern PATIENT_PATH = Pattern.compile("/fhir/Patient/([^/?]+)");
  private static final Pattern VITALS_PATH = Pattern.compile("/api/v1/patients/([^/?]+)/vitals");

  private final boolean holding;
  private final DisposableServer server;
  private final Set<String> readingIds = ConcurrentHashMap.newKeySet();
  private final Map<String, List<String>> readings = new ConcurrentHashMap<>();
  private final Map<String, String> patients = new ConcurrentHashMap<>();
  private final AtomicLong batches = new AtomicLong();
  private final AtomicLong nextPatient = new AtomicLong();
  final AtomicLong hostile = new AtomicLong();

  FakeAbusePlatform(boolean holding) {
    this.holding = holding;
    this.server =
        HttpServer.create()
            .host("127.0.0.1")
            .port(0)
            .doOnChannelInit(
                (observer, channel, address) -> {
                  channel.attr(REQUESTS).set(new AtomicInteger());
                  if (holding) {
                    channel
                        .eventLoop()
                        .schedule(
                            () -> {
                              if (channel.attr(REQUESTS).get().get() == 0) {
                                channel.close();
                              }
                            },
                            LIMIT.toMillis(),
                            TimeUnit.MILLISECONDS);
                  }
                })
            .handle(this::handle)
            .bindNow();
  }

  String base() {
    return "http://127.0.0.1:" + server.port();
  }

  private Mono<Void> handle(HttpServerRequest request, HttpServerResponse response) {
    request.withConnection(
        c -> {
          AtomicInteger started = c.channel().attr(REQUESTS).get();
          if (started != null) {
            started.incrementAndGet();
          }
        });
    String path = request.uri();
    if (path.startsWith("/actuator/health")) {
      return send(response, 200, "{\"status\":\"UP\"}");
    }
    Matcher vitals = VITALS_PATH.matcher(path);
    if (vitals.find()) {
      return send(
          response,
          200,
          "[" + String.join(",", readings.getOrDefault(vitals.group(1), List.of())) + "]");
    }
    Matcher patient = PATIENT_PATH.matcher(path);
    if (patient.find()) {
      String stored = patients.get(patient.group(1));
      return stored == null ? send(response, 404, "{}") : send(response, 200, stored);
    }
    Mono<String> body =
        request.receive().aggregate().asString(StandardCharsets.UTF_8).defaultIfEmpty("");
    if (holding) {
      body = body.timeout(LIMIT);
    }
    return body.flatMap(
            text ->
                path.startsWith("/fhir/Patient")
                    ? createPatient(request, response, text)
                    : ingest(request, response, text))
        .onErrorResume(
            java.util.concurrent.TimeoutException.class,
            e -> response.status(408).header("Connection", "close").send());
  }

  private Mono<Void> createPatient(
      HttpServerRequest request, HttpServerResponse response, String body) {
    String type = request.requestHeaders().get("Content-Type", "");
    boolean bad =
        !type.contains("json")
            || body.length() > 8000
            || body.contains("<script")
            || body.contains("[[")
            || body.indexOf("\"name\"") != body.lastIndexOf("\"name\"");
    if (bad) {
      return hostile(response, type.contains("json") ? 422 : 415);
    }
    String id = "f" + nextPatient.incrementAndGet();
    patients.put(
        id,
        body.replace(
            "{\"resourceType\":\"Patient\"",
            "{\"resourceType\":\"Patient\",\"id\":\"" + id + "\""));
    return response
        .status(201)
        .header("Location", base() + "/fhir/Patient/" + id + "/_history/1")
        .sendString(Mono.just(patients.get(id)))
        .then();
  }

  private Mono<Void> ingest(HttpServerRequest request, HttpServerResponse response, String body) {
    if (request.requestHeaders().contains("Content-Encoding")) {
      return hostile(response, 415);
    }
    List<String> lines = body.lines().filter(l -> !l.isBlank()).toList();
    for (String line : lines) {
      if (line.indexOf("\"patientId\"") != line.lastIndexOf("\"patientId\"")) {
        return hostile(response, 400);
      }
    }
    boolean lose = !holding && lines.size() > 1 && batches.incrementAndGet() % 7 == 0;
    for (String line : lines) {
      Matcher id = ID.matcher(line);
      boolean fresh = !id.find() || readingIds.add(id.group(1)) || !holding;
      Matcher p = PATIENT.matcher(line);
      Matcher d = DEVICE.matcher(line);
      Matcher t = TIME.matcher(line);
      if (fresh && !lose && p.find() && d.find() && t.find()) {
        readings
            .computeIfAbsent(p.group(1), k -> new CopyOnWriteArrayList<>())
            .add(
                "{\"code\":\"8867-4\","
                    + "\"value\":70.0,\"unit\":\"/min\",\"effectiveTime\":\""
                    + t.group(1)
                    + "\",\"deviceId\":\""
                    + d.group(1)
                    + "\"}");
      }
    }
    return send(response, 200, "{\"accepted\":" + lines.size() + ",\"rejected\":[]}");
  }

  private Mono<Void> hostile(HttpServerResponse response, int status) {
    hostile.incrementAndGet();
    return send(response, holding ? status : 500, "{\"title\":\"refused\"}");
  }

  private static Mono<Void> send(HttpServerResponse response, int status, String body) {
    return response
        .status(HttpResponseStatus.valueOf(status))
        .header("Content-Type", "application/json")
        .sendString(Mono.just(body))
        .then();
  }

  @Override
  public void close() {
    server.disposeNow(Duration.ofSeconds(5));
  }
}
