package io.vitalflow.loadgen.abuse;

import io.vitalflow.loadgen.engine.HttpLoadClient;
import io.vitalflow.loadgen.engine.Outcome;
import io.vitalflow.loadgen.engine.Workload;
import java.net.URI;
import java.time.Instant;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;
import java.util.random.RandomGenerator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The well-behaved clients beside the attacks: every other iteration an NDJSON batch of heart-rate
 * readings with unique reading ids (and, per patient, unique effective milliseconds, so each stored
 * row names its reading), the others a FHIR Patient create followed at once by its read
 * (read-your-writes). What the platform acknowledged is kept, to be looked for in the stores
 * afterwards.
 */
final class NormalTraffic implements Workload {

  static final String INGEST = "ingest batch";
  static final String FHIR = "fhir create+read";
  static final String FHIR_JSON = "application/fhir+json";
  private static final Pattern RESOURCE_ID =
      Pattern.compile("\"id\"\\s*:\\s*\"([A-Za-z0-9.-]{1,64})\"");

  private final HttpLoadClient http;
  private final URI vitals;
  private final URI patients;
  private final String prefix;
  private final int batch;
  private final int patientCount;
  private final AtomicLong iterations = new AtomicLong();
  private final AtomicLong readingSequence = new AtomicLong();
  private final Map<String, AtomicLong> lastMillis = new ConcurrentHashMap<>();

  /** Acknowledged readings: patient id to the effective epoch milliseconds of each. */
  private final Map<String, Set<Long>> acknowledged = new ConcurrentHashMap<>();

  private final Queue<String> acknowledgedLines = new ConcurrentLinkedQueue<>();
  private final Set<String> created = ConcurrentHashMap.newKeySet();

  NormalTraffic(HttpLoadClient http, AbuseOptions options, String prefix) {
    this.http = http;
    this.vitals = options.ingest().resolve("/api/v1/vitals");
    this.patients = options.fhir("Patient");
    this.prefix = prefix;
    this.batch = options.batch();
    this.patientCount = options.patients();
  }

  @Override
  public CompletionStage<Outcome> start(int user, RandomGenerator random) {
    long n = iterations.getAndIncrement();
    return n % 2 == 0 ? ingest(n / 2, random) : createAndRead(random);
  }

  /** One batch for one patient; on 200 its readings count as acknowledged. */
  CompletableFuture<Outcome> ingest(long n, RandomGenerator random) {
    String patient = patient((int) (n % patientCount));
    long[] millis = new long[batch];
    StringBuilder body = new StringBuilder(batch * 160);
    String firstLine = null;
    for (int i = 0; i < batch; i++) {
      millis[i] = nextMillis(patient);
      String line =
          "{\"id\":\""
              + prefix
              + "-r"
              + readingSequence.incrementAndGet()
              + "\",\"patientId\":\""
              + patient
              + "\",\"deviceId\":\""
              + prefix
              + "-d\",\"code\":\"8867-4\",\"value\":"
              + (55 + random.nextInt(40))
              + ",\"unit\":\"/min\",\"effectiveTime\":\""
              + Instant.ofEpochMilli(millis[i])
              + "\"}\n";
      firstLine = firstLine == null ? line : firstLine;
      body.append(line);
    }
    String sample = firstLine;
    return http.post(vitals, "application/x-ndjson", body.toString())
        .handle(
            (answer, error) -> {
              String failure =
                  error != null
                      ? HttpLoadClient.failureKind(error)
                      : answer.status() == 200 ? null : "HTTP " + answer.status();
              if (failure == null) {
                Set<Long> stored =
                    acknowledged.computeIfAbsent(patient, p -> ConcurrentHashMap.newKeySet());
                for (long m : millis) {
                  stored.add(m);
                }
                if (acknowledgedLines.size() < 1000) {
                  acknowledgedLines.add(sample);
                }
              }
              return new Outcome(INGEST, failure);
            });
  }

  /** A Patient create, then its read: both must succeed for the iteration to count. */
  CompletableFuture<Outcome> createAndRead(RandomGenerator random) {
    String family = "Normal" + Long.toString(random.nextLong(1L << 40), 36);
    String body =
        "{\"resourceType\":\"Patient\",\"active\":true,\"name\":[{\"family\":\""
            + family
            + "\",\"given\":[\"Abuse\"]}],\"gender\":\"unknown\",\"birthDate\":\"1970-01-01\"}";
    return http.post(patients, FHIR_JSON, body)
        .thenCompose(
            answer -> {
              if (answer.status() != 201) {
                return CompletableFuture.completedFuture(
                    Outcome.failed(FHIR, "create: HTTP " + answer.status()));
              }
              String id = createdId(answer);
              if (id == null) {
                return CompletableFuture.completedFuture(Outcome.failed(FHIR, "create without id"));
              }
              created.add(id);
              return http.get(URI.create(patients + "/" + id), FHIR_JSON)
                  .thenApply(
                      read ->
                          read.status() == 200 && read.body().contains(family)
                              ? Outcome.ok(FHIR)
                              : Outcome.failed(FHIR, "read after create: HTTP " + read.status()));
            })
        .exceptionally(error -> Outcome.failed(FHIR, HttpLoadClient.failureKind(error)));
  }

  /**
   * The id of a created resource from {@code Location} ({@code .../Patient/{id}/_history/1}) or the
   * body.
   */
  static String createdId(HttpLoadClient.Answer answer) {
    String location = answer.header("Location");
    if (location != null) {
      int at = location.lastIndexOf("Patient/");
      if (at >= 0) {
        String rest = location.substring(at + "Patient/".length());
        int slash = rest.indexOf('/');
        String id = slash < 0 ? rest : rest.substring(0, slash);
        if (!id.isEmpty()) {
          return id;
        }
      }
    }
    Matcher matcher = RESOURCE_ID.matcher(answer.body() == null ? "" : answer.body());
    return matcher.find() ? matcher.group(1) : null;
  }

  String patient(int index) {
    return prefix + "-p" + (index + 1);
  }

  /** A millisecond after every earlier reading of this patient, and not after now. */
  private long nextMillis(String patient) {
    AtomicLong last = lastMillis.computeIfAbsent(patient, p -> new AtomicLong());
    long now = System.currentTimeMillis() - batch;
    return last.updateAndGet(previous -> Math.max(previous + 1, now));
  }

  Map<String, Set<Long>> acknowledged() {
    return acknowledged;
  }

  long acknowledgedReadings() {
    return acknowledged.values().stream().mapToLong(Set::size).sum();
  }

  Set<String> created() {
    return created;
  }

  /**
   * One acknowledged NDJSON line, to be resent by the reused-id probe; null before the first
   * acknowledgement.
   */
  String acknowledgedLine() {
    return acknowledgedLines.peek();
  }
}
