package io.vitalflow.loadgen.abuse;

import io.vitalflow.loadgen.engine.HttpLoadClient;
import io.vitalflow.loadgen.engine.Outcome;
import java.math.BigDecimal;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The checks after the attacks stopped: every service's health UP again within the recovery
 * timeout, then one normal ingest batch and one FHIR create + read, then every acknowledged reading
 * and created Patient readable (each reading exactly once) within the verify timeout.
 */
final class Verification {

  private static final Pattern OBJECT = Pattern.compile("\\{[^{}]*\\}");
  private static final Pattern TIME =
      Pattern.compile("\"effectiveTime\"\\s*:\\s*(\"[^\"]*\"|[0-9.eE+-]+)");
  private static final Pattern DEVICE = Pattern.compile("\"deviceId\"\\s*:\\s*\"([^\"]*)\"");
  private static final long POLL_MILLIS = 500;

  private final HttpLoadClient http;
  private final AbuseOptions options;
  private final NormalTraffic normal;
  private final String device;

  Verification(HttpLoadClient http, AbuseOptions options, NormalTraffic normal, String device) {
    this.http = http;
    this.options = options;
    this.normal = normal;
    this.device = device;
  }

  Afterwards run(long attacksEndedNanos, List<PoisonWrites.Stored> poisonStored)
      throws InterruptedException {
    Map<String, Long> upAfter = new LinkedHashMap<>();
    Map<String, String> last = new LinkedHashMap<>();
    long recoveryDeadline = attacksEndedNanos + options.recoveryTimeout().toNanos();
    for (AbuseOptions.Service service : options.services()) {
      upAfter.put(service.name(), waitForUp(service, recoveryDeadline, attacksEndedNanos, last));
    }
    String ingestAfter =
        normal
            .ingest(Long.MAX_VALUE / 4, ThreadLocalRandom.current())
            .thenApply(Outcome::failure)
            .exceptionally(HttpLoadClient::failureKind)
            .join();
    String fhirAfter =
        normal
            .createAndRead(ThreadLocalRandom.current())
            .thenApply(Outcome::failure)
            .exceptionally(HttpLoadClient::failureKind)
            .join();
    long verifyDeadline = System.nanoTime() + options.verifyTimeout().toNanos();
    long[] readings = readings(verifyDeadline, attacksEndedNanos);
    long readable = patients(normal.created(), verifyDeadline);
    List<String> unreadable = poison(poisonStored, verifyDeadline);
    return new Afterwards(
        upAfter,
        last,
        ingestAfter,
        fhirAfter,
        normal.acknowledgedReadings(),
        readings[0],
        readings[1],
        readings[2],
        normal.created().size(),
        readable,
        poisonStored.size(),
        unreadable);
  }

  /** Milliseconds until the service's health answered 200 with status UP, or -1 at the deadline. */
  private long waitForUp(
      AbuseOptions.Service service, long deadline, long since, Map<String, String> last)
      throws InterruptedException {
    while (true) {
      String seen;
      try {
        HttpLoadClient.Answer answer = http.get(service.health(), "application/json").get();
        boolean up = answer.status() == 200 && answer.body().contains("\"UP\"");
        seen = "HTTP " + answer.status() + (up ? " UP" : "");
        if (up) {
          last.put(service.name(), seen);
          return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - since);
        }
      } catch (ExecutionException e) {
        seen = HttpLoadClient.failureKind(e);
      }
      last.put(service.name(), seen);
      if (System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(POLL_MILLIS) > deadline) {
        return -1;
      }
      TimeUnit.MILLISECONDS.sleep(POLL_MILLIS);
    }
  }

  /**
   * Found, duplicated, and milliseconds after the attacks until all were found (-1: not all in
   * time).
   */
  private long[] readings(long deadline, long since) throws InterruptedException {
    Map<String, Set<Long>> missing = new HashMap<>();
    normal.acknowledged().forEach((patient, millis) -> missing.put(patient, new HashSet<>(millis)));
    long acknowledged = normal.acknowledgedReadings();
    Map<String, Long> duplicates = new HashMap<>();
    Duration window =
        Duration.ofSeconds((System.currentTimeMillis() - earliest()) / 1000).plusMinutes(10);
    while (true) {
      for (String patient : List.copyOf(missing.keySet())) {
        URI uri =
            options
                .api()
                .resolve(
                    "/api/v1/patients/" + patient + "/vitals?window=" + window + "&limit=10000");
        try {
          HttpLoadClient.Answer answer = http.get(uri, "application/json").get();
          if (answer.status() == 200) {
            Map<Long, Integer> stored = storedMillis(answer.body(), device);
            missing.get(patient).removeAll(stored.keySet());
            duplicates.put(
                patient, stored.values().stream().filter(n -> n > 1).mapToLong(n -> n - 1).sum());
            if (missing.get(patient).isEmpty()) {
              missing.remove(patient);
            }
          }
        } catch (ExecutionException e) {
          // not readable yet: asked again on the next round
        }
      }
      long stillMissing = missing.values().stream().mapToLong(Set::size).sum();
      long duplicated = duplicates.values().stream().mapToLong(Long::longValue).sum();
      if (stillMissing == 0) {
        return new long[] {
          acknowledged, duplicated, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - since)
        };
      }
      if (System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(POLL_MILLIS) > deadline) {
        return new long[] {acknowledged - stillMissing, duplicated, -1};
      }
      TimeUnit.MILLISECONDS.sleep(POLL_MILLIS);
    }
  }

  private long earliest() {
    return normal.acknowledged().values().stream()
        .flatMap(Set::stream)
        .mapToLong(Long::longValue)
        .min()
        .orElse(System.currentTimeMillis());
  }

  /**
   * Effective epoch milliseconds of the readings of {@code device} in a vitals answer, with how
   * often each occurs.
   */
  static Map<Long, Integer> storedMillis(String json, String device) {
    Map<Long, Integer> counts = new HashMap<>();
    Matcher object = OBJECT.matcher(json);
    while (object.find()) {
      String reading = object.group();
      Matcher deviceId = DEVICE.matcher(reading);
      Matcher time = TIME.matcher(reading);
      if (deviceId.find() && deviceId.group(1).equals(device) && time.find()) {
        Long millis = millis(time.group(1));
        if (millis != null) {
          counts.merge(millis, 1, Integer::sum);
        }
      }
    }
    return counts;
  }

  private static Long millis(String value) {
    try {
      if (value.startsWith("\"")) {
        return Instant.parse(value.substring(1, value.length() - 1)).toEpochMilli();
      }
      // Jackson's numeric form: seconds with a fraction
      return new BigDecimal(value).movePointRight(3).longValue();
    } catch (DateTimeParseException | NumberFormatException | ArithmeticException e) {
      return null;
    }
  }

  /** How many of the created Patients read back with 200 before the deadline. */
  private long patients(Set<String> ids, long deadline) throws InterruptedException {
    Set<String> missing = new HashSet<>(ids);
    while (true) {
      List<Map.Entry<String, CompletableFuture<HttpLoadClient.Answer>>> reads = new ArrayList<>();
      for (String id : missing) {
        reads.add(Map.entry(id, http.get(options.fhir("Patient/" + id), NormalTraffic.FHIR_JSON)));
      }
      for (Map.Entry<String, CompletableFuture<HttpLoadClient.Answer>> read : reads) {
        try {
          if (read.getValue().get().status() == 200) {
            missing.remove(read.getKey());
          }
        } catch (ExecutionException e) {
          // asked again on the next round
        }
      }
      if (missing.isEmpty()
          || System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(POLL_MILLIS) > deadline) {
        return ids.size() - missing.size();
      }
      TimeUnit.MILLISECONDS.sleep(POLL_MILLIS);
    }
  }

  /**
   * The stored poison resources that do not read back with what was sent, as {@code probe: why}.
   */
  private List<String> poison(List<PoisonWrites.Stored> stored, long deadline)
      throws InterruptedException {
    List<String> unreadable = new ArrayList<>();
    for (PoisonWrites.Stored resource : stored) {
      String why = "HTTP 404";
      while (true) {
        try {
          HttpLoadClient.Answer answer =
              http.get(options.fhir("Patient/" + resource.id()), NormalTraffic.FHIR_JSON).get();
          if (answer.status() == 200) {
            why =
                resource.marker() == null || answer.body().contains(resource.marker())
                    ? null
                    : "read back without the value sent";
            if (why == null || System.nanoTime() > deadline) {
              break;
            }
          } else {
            why = "HTTP " + answer.status();
          }
        } catch (ExecutionException e) {
          why = HttpLoadClient.failureKind(e);
        }
        if (System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(POLL_MILLIS) > deadline) {
          break;
        }
        TimeUnit.MILLISECONDS.sleep(POLL_MILLIS);
      }
      if (why != null) {
        unreadable.add(resource.probe() + ": " + why);
      }
    }
    return unreadable;
  }
}
