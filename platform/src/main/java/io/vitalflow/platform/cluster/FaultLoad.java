package io.vitalflow.platform.cluster;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The clients of the fault scenario, as a device gateway and an EHR would behave
 * (docs/deployment.md "Fault scenario"): every request is retried until it gets a definite answer,
 * after a 503 when its {@code Retry-After} says (capped at 1 s), after a lost answer (connection
 * refused or reset, timeout) at once. A retry is safe: a reading carries its own id (the sink
 * stores a reading once per patient, effective time and id), a create is conditional ({@code
 * If-None-Exist} on an identifier of its own) and an update names the version it replaces ({@code
 * If-Match}: a 412 after a lost answer means the first attempt was applied, which a read confirms).
 */
final class FaultLoad {

  private static final Logger log = LoggerFactory.getLogger(FaultLoad.class);

  /** Counters of one phase (one fault), by request kind. */
  static final class Counters {
    final AtomicLong readingsAcked = new AtomicLong();
    final AtomicLong fhirAcked = new AtomicLong();
    final AtomicLong unavailable503 = new AtomicLong();
    final AtomicLong lostAnswers = new AtomicLong();
    final AtomicLong retries = new AtomicLong();
    final AtomicLong otherFailures = new AtomicLong();
    final AtomicLong fhir503 = new AtomicLong();
    final AtomicLong fhirLost = new AtomicLong();
    final AtomicLong fhirRetries = new AtomicLong();
    final AtomicLong fhirOther = new AtomicLong();
    final AtomicLong fhirAccepted202 = new AtomicLong();
    final AtomicLong maxAttempts = new AtomicLong();
    final Map<String, AtomicLong> refusals = new ConcurrentHashMap<>();

    void refused(String kind, int status) {
      refusals.computeIfAbsent(kind + " " + status, k -> new AtomicLong()).incrementAndGet();
    }
  }

  /** A reading acknowledged to the device, and the phase it was acknowledged in. */
  record Acked(String patient, String readingId, Instant effective, String phase) {}

  /** A FHIR Patient written by the scenario: its id and every acknowledged version, in order. */
  static final class Written {
    final String identifier;
    volatile String id;
    final ConcurrentLinkedQueue<Long> versions = new ConcurrentLinkedQueue<>();
    volatile String phase;

    /** What each attempt was answered, newest last (at most 30), for the report of a mismatch. */
    final ConcurrentLinkedQueue<String> trail = new ConcurrentLinkedQueue<>();

    Written(String identifier) {
      this.identifier = identifier;
    }

    /** The trail as one bounded line: the last 10 answers. */
    String answers() {
      List<String> all = List.copyOf(trail);
      return String.join(" | ", all.subList(Math.max(0, all.size() - 10), all.size()));
    }

    void attempt(long version, int attempt, String answer) {
      if (trail.size() >= 30) {
        trail.poll();
      }
      trail.add(Instant.now() + " If-Match " + version + " #" + attempt + ": " + answer);
    }
  }

  private static final Pattern DIAGNOSTICS =
      Pattern.compile("\"diagnostics\"\\s*:\\s*\"([^\"]{0,160})");

  /** Status, Retry-After and the first words of the server's diagnostics (synthetic patients). */
  private static String summary(HttpResponse<String> answer) {
    Matcher diagnostics = DIAGNOSTICS.matcher(answer.body());
    return answer.statusCode()
        + answer.headers().firstValue("Retry-After").map(s -> " Retry-After " + s).orElse("")
        + (diagnostics.find() ? " " + diagnostics.group(1) : "");
  }

  private static final Pattern ID = Pattern.compile("/Patient/([^/]+)/_history/(\\d+)");
  private static final Pattern VERSION = Pattern.compile("\"versionId\"\\s*:\\s*\"(\\d+)\"");

  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
  private final String ingestUrl;
  private final String fhirUrl;
  private final Supplier<String> token;
  private final Supplier<String> phase;
  private final Map<String, Counters> counters;
  final ConcurrentLinkedQueue<Acked> acked = new ConcurrentLinkedQueue<>();
  final ConcurrentLinkedQueue<Written> written = new ConcurrentLinkedQueue<>();
  final Map<String, Instant> lastSuccess = new ConcurrentHashMap<>();
  final AtomicLong ordersAcked = new AtomicLong();
  private volatile boolean running = true;

  FaultLoad(
      String ingestUrl,
      String fhirUrl,
      Supplier<String> token,
      Supplier<String> phase,
      Map<String, Counters> counters) {
    this.ingestUrl = ingestUrl;
    this.fhirUrl = fhirUrl;
    this.token = token;
    this.phase = phase;
    this.counters = counters;
  }

  private Counters now() {
    return counters.computeIfAbsent(phase.get(), p -> new Counters());
  }

  void stop() {
    running = false;
  }

  boolean running() {
    return running;
  }

  /** One device: {@code perSecond} readings a second for its patients until stopped. */
  void device(String run, int device, int perSecond) {
    long interval = 1_000_000_000L / Math.max(1, perSecond);
    long next = System.nanoTime();
    long n = 0;
    while (running) {
      String patient = patient(run, device, (int) (n % PATIENTS_PER_DEVICE));
      String readingId = "r-" + run + "-" + device + "-" + n;
      Instant effective = Instant.now();
      int heartRate = 40 + ThreadLocalRandom.current().nextInt(100); // crosses NEWS2 bands
      String body =
          "[{\"id\":\""
              + readingId
              + "\",\"patientId\":\""
              + patient
              + "\",\"deviceId\":\"monitor-"
              + device
              + "\",\"code\":\"8867-4\",\"value\":"
              + heartRate
              + ",\"unit\":\"/min\",\"effectiveTime\":\""
              + effective
              + "\"}]";
      String ackedIn = postUntilAnswered(body);
      if (ackedIn != null) {
        acked.add(new Acked(patient, readingId, effective, ackedIn));
        lastSuccess.put("ingest", Instant.now());
      }
      n++;
      next += interval;
      long wait = next - System.nanoTime();
      if (wait > 0) {
        Fault.pause(Duration.ofNanos(wait));
      } else {
        next = System.nanoTime();
      }
    }
  }

  /** The phase the reading was acknowledged in, or null when it got a final refusal. */
  private String postUntilAnswered(String body) {
    for (int attempt = 1; running || attempt > 1; attempt++) {
      Counters c = now();
      if (attempt > 1) {
        c.retries.incrementAndGet();
      }
      c.maxAttempts.accumulateAndGet(attempt, Math::max);
      try {
        HttpResponse<String> answer =
            http.send(
                authorized(ingestUrl + "/api/v1/vitals", Duration.ofSeconds(15))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(body))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
        if (answer.statusCode() == 200 && answer.body().contains("\"accepted\":1")) {
          Counters done = now();
          done.readingsAcked.incrementAndGet();
          return phase.get();
        }
        if (answer.statusCode() == 503 || answer.statusCode() == 502) {
          now().unavailable503.incrementAndGet();
          Fault.pause(retryAfter(answer));
          continue;
        }
        now().otherFailures.incrementAndGet();
        now().refused("vitals POST", answer.statusCode());
        return null;
      } catch (IOException lost) {
        now().lostAnswers.incrementAndGet();
        Fault.pause(Duration.ofMillis(100));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return null;
      }
      if (attempt > 2000) {
        return null;
      }
    }
    return null;
  }

  private static Duration retryAfter(HttpResponse<?> answer) {
    Optional<String> header = answer.headers().firstValue("Retry-After");
    long seconds = 1;
    if (header.isPresent()) {
      try {
        seconds = Long.parseLong(header.get().trim());
      } catch (NumberFormatException e) {
        seconds = 1;
      }
    }
    return Duration.ofMillis(Math.min(1000, Math.max(100, seconds * 1000)));
  }

  /**
   * One EHR: creates a Patient (conditionally) and updates it {@code updates} times, repeatedly.
   */
  void ehr(String run, int client, int updates) {
    long n = 0;
    while (running) {
      Written patient = new Written("ft-" + run + "-" + client + "-" + n++);
      written.add(patient);
      Long version = fhir(patient, 0);
      for (int u = 1; version != null && u <= updates && running; u++) {
        version = fhir(patient, version);
      }
      Fault.pause(Duration.ofMillis(200));
    }
  }

  /** A create (version 0) or an update of {@code version}; the new version or null. */
  private Long fhir(Written patient, long version) {
    String body =
        "{\"resourceType\":\"Patient\","
            + (patient.id == null ? "" : "\"id\":\"" + patient.id + "\",")
            + "\"identifier\":[{\"system\":\"urn:vitalflow:faults\",\"value\":\""
            + patient.identifier
            + "\"}],\"name\":[{\"family\":\"Fault\",\"given\":[\"v"
            + (version + 1)
            + "\"]}]}";
    boolean lostBefore = false;
    for (int attempt = 1; attempt < 2000; attempt++) {
      Counters c = now();
      if (attempt > 1) {
        c.fhirRetries.incrementAndGet();
      }
      c.maxAttempts.accumulateAndGet(attempt, Math::max);
      String fhirJson = "application/fhir+json";
      HttpRequest.Builder request =
          version == 0
              ? authorized(fhirUrl + "/fhir/Patient", Duration.ofSeconds(20))
                  .header("Content-Type", fhirJson)
                  .header("If-None-Exist", "identifier=urn:vitalflow:faults|" + patient.identifier)
                  .POST(HttpRequest.BodyPublishers.ofString(body))
              : authorized(fhirUrl + "/fhir/Patient/" + patient.id, Duration.ofSeconds(20))
                  .header("Content-Type", fhirJson)
                  .header("If-Match", "W/\"" + version + "\"")
                  .PUT(HttpRequest.BodyPublishers.ofString(body));
      try {
        HttpResponse<String> answer =
            http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        int status = answer.statusCode();
        patient.attempt(version, attempt, summary(answer));
        if (status == 200 || status == 201) {
          long newVersion = version + 1;
          Matcher location = ID.matcher(answer.headers().firstValue("Location").orElse(""));
          if (location.find()) {
            patient.id = location.group(1);
            newVersion = Long.parseLong(location.group(2));
          } else {
            Matcher v = VERSION.matcher(answer.body());
            if (v.find()) {
              newVersion = Long.parseLong(v.group(1));
            }
          }
          acknowledge(patient, newVersion);
          return newVersion;
        }
        if (status == 202) {
          // Kafka holds the command, its outcome was not readable within the write timeout: the
          // write is acknowledged; read until it shows (docs/fhir.md, "Prefer")
          now().fhirAccepted202.incrementAndGet();
          Long applied = awaitApplied(patient, version + 1);
          if (applied != null) {
            acknowledge(patient, applied);
            return applied;
          }
          now().fhirOther.incrementAndGet();
          now().refused("FHIR write answered 202 and not readable within 60 s", status);
          log.warn(
              "Final refusal for Patient {} ({}): {}",
              patient.id,
              patient.identifier,
              patient.answers());
          return null;
        }
        if (status == 412 && lostBefore) {
          // the lost attempt was applied: the current version says which
          Long current = currentVersion(patient);
          if (current != null && current == version + 1) {
            acknowledge(patient, current);
            return current;
          }
          now().fhirOther.incrementAndGet();
          now().refused("FHIR update (412 after a lost answer, not applied)", status);
          log.warn(
              "Final refusal for Patient {} ({}): {}",
              patient.id,
              patient.identifier,
              patient.answers());
          return null;
        }
        if (status == 504) {
          // the write's outcome is unknown (docs/fhir.md, "When Kafka fails"): as a lost answer
          lostBefore = true;
          now().fhirLost.incrementAndGet();
          Fault.pause(Duration.ofMillis(100));
          continue;
        }
        if (status == 503 || status == 502) {
          now().fhir503.incrementAndGet();
          Fault.pause(retryAfter(answer));
          continue;
        }
        now().fhirOther.incrementAndGet();
        now().refused(version == 0 ? "FHIR create" : "FHIR update", status);
        log.warn(
            "Final refusal for Patient {} ({}): {}",
            patient.id,
            patient.identifier,
            patient.answers());
        return null;
      } catch (IOException lost) {
        patient.attempt(version, attempt, "lost: " + lost.getClass().getSimpleName());
        lostBefore = true;
        now().fhirLost.incrementAndGet();
        Fault.pause(Duration.ofMillis(100));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return null;
      }
    }
    return null;
  }

  private void acknowledge(Written patient, long version) {
    patient.versions.add(version);
    patient.phase = phase.get();
    now().fhirAcked.incrementAndGet();
    lastSuccess.put("fhir", Instant.now());
  }

  /** Waits up to 60 s until {@code patient} reads with {@code expected}; that version or null. */
  private Long awaitApplied(Written patient, long expected) {
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (System.nanoTime() < deadline) {
      if (patient.id == null) {
        patient.id = findByIdentifier(patient);
      }
      if (patient.id != null) {
        Long current = currentVersion(patient);
        if (current != null && current >= expected) {
          if (current != expected) {
            patient.attempt(expected - 1, 0, "after the 202: read version " + current);
          }
          return current == expected ? current : null;
        }
      }
      Fault.pause(Duration.ofMillis(500));
    }
    patient.attempt(
        expected - 1,
        0,
        "after the 202: not found in 60 s" + (patient.id == null ? " (no id)" : ""));
    return null;
  }

  private static final Pattern FULL_URL = Pattern.compile("/Patient/([A-Za-z0-9\\-.]{1,64})\"");

  private String findByIdentifier(Written patient) {
    String identifier = patient.identifier;
    try {
      HttpResponse<String> found =
          http.send(
              authorized(
                      fhirUrl + "/fhir/Patient?identifier=urn:vitalflow:faults%7C" + identifier,
                      Duration.ofSeconds(10))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      if (found.statusCode() == 200) {
        Matcher id = FULL_URL.matcher(found.body());
        return id.find() ? id.group(1) : null;
      }
      String refused = "search by identifier: " + summary(found);
      if (patient.trail.stream().noneMatch(a -> a.endsWith(refused))) {
        patient.attempt(-1, 0, refused);
      }
    } catch (IOException notNow) {
      return null;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return null;
  }

  private Long currentVersion(Written patient) {
    for (int attempt = 0; attempt < 50; attempt++) {
      try {
        HttpResponse<String> read =
            http.send(
                authorized(fhirUrl + "/fhir/Patient/" + patient.id, Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
        if (read.statusCode() == 200) {
          Matcher v = VERSION.matcher(read.body());
          return v.find() ? Long.parseLong(v.group(1)) : null;
        }
      } catch (IOException notNow) {
        // retried below
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return null;
      }
      Fault.pause(Duration.ofMillis(200));
    }
    return null;
  }

  /** How many patients the pharmacy orders an interacting pair of drugs for, one after another. */
  static final int MEDICATION_PATIENTS = 60;

  /** The {@code n}-th patient of the pharmacy. */
  static String medicationPatient(String run, int n) {
    return "ft-" + run + "-rx-" + n;
  }

  /**
   * One pharmacy: every {@code every}, warfarin and then ibuprofen (a major interaction: the
   * processor raises a DRUG_INTERACTION alert) for the next of its patients, until stopped or all
   * {@link #MEDICATION_PATIENTS} have their pair. An order is retried like any FHIR write; a second
   * copy of an order after a lost answer raises no second alert (docs/stream-processing.md).
   */
  void pharmacy(String run, Duration every) {
    for (int n = 0; running && n < MEDICATION_PATIENTS; n++) {
      String patient = medicationPatient(run, n);
      order(patient, "855332", "warfarin sodium 5 MG Oral Tablet");
      order(patient, "310965", "ibuprofen 200 MG Oral Tablet");
      Fault.pause(every);
    }
  }

  /** A request to {@code url} with the scenario's current token. */
  private HttpRequest.Builder authorized(String url, Duration timeout) {
    return HttpRequest.newBuilder(URI.create(url))
        .timeout(timeout)
        .header("Authorization", "Bearer " + token.get());
  }

  private void order(String patient, String rxcui, String text) {
    String body =
        "{\"resourceType\":\"MedicationRequest\",\"status\":\"active\",\"intent\":\"order\","
            + "\"medicationCodeableConcept\":{\"coding\":[{\"system\":"
            + "\"http://www.nlm.nih.gov/research/umls/rxnorm\",\"code\":\""
            + rxcui
            + "\",\"display\":\""
            + text
            + "\"}],\"text\":\""
            + text
            + "\"},\"subject\":{\"reference\":\"Patient/"
            + patient
            + "\"}}";
    for (int attempt = 1; attempt <= 200 && (running || attempt > 1); attempt++) {
      try {
        HttpResponse<String> answer =
            http.send(
                authorized(fhirUrl + "/fhir/MedicationRequest", Duration.ofSeconds(20))
                    .header("Content-Type", "application/fhir+json")
                    .POST(HttpRequest.BodyPublishers.ofString(body))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
        int status = answer.statusCode();
        if (status == 201 || status == 202) {
          ordersAcked.incrementAndGet();
          return;
        }
        if (status != 502 && status != 503 && status != 504) {
          log.warn("Pharmacy order refused: {}", summary(answer));
          return;
        }
        Fault.pause(retryAfter(answer));
      } catch (IOException lost) {
        Fault.pause(Duration.ofMillis(100));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  /** How many patients each device sends readings for, in turn. */
  static final int PATIENTS_PER_DEVICE = 5;

  /** The {@code k}-th patient of {@code device}. */
  static String patient(String run, int device, int k) {
    return "ft-" + run + "-" + device + "-" + k;
  }

  /** The patients whose readings the scenario sent: those of run {@code run}. */
  static String patientPattern(String run) {
    return "ft-" + run + "-%";
  }

  static List<String> kinds() {
    return List.of("ingest", "fhir");
  }
}
