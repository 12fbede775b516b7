package io.vitalflow.loadgen.abuse;

import io.netty.handler.codec.http.HttpMethod;
import io.vitalflow.loadgen.engine.HttpLoadClient;
import io.vitalflow.loadgen.engine.Meters;
import io.vitalflow.loadgen.engine.Outcome;
import java.net.URI;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Supplier;

/**
 * Sends the {@link Poison} probes in turn at a fixed rate until a deadline, at most {@value
 * #IN_FLIGHT} at once (a probe whose turn comes while they are all out waits). Every answer is
 * counted per probe; one that breaks its probe's rule is a failed {@link Outcome}; a FHIR probe
 * that was stored is remembered, to be read back.
 */
final class PoisonWrites {

  static final int IN_FLIGHT = 4;

  /** A poison resource the server stored: it must read back with {@code marker} in it. */
  record Stored(String probe, String id, String marker) {}

  private final HttpLoadClient http;
  private final AbuseOptions options;
  private final List<Poison> probes;
  private final Supplier<String> acknowledgedLine;
  private final Meters meters = new Meters();
  private final Map<String, Map<String, LongAdder>> answers = new ConcurrentHashMap<>();
  private final Queue<Stored> stored = new ConcurrentLinkedQueue<>();
  private final Semaphore slots = new Semaphore(IN_FLIGHT);

  PoisonWrites(
      HttpLoadClient http,
      AbuseOptions options,
      List<Poison> probes,
      Supplier<String> acknowledgedLine) {
    this.http = http;
    this.options = options;
    this.probes = probes;
    this.acknowledgedLine = acknowledgedLine;
  }

  /** Sends until {@code deadlineNanos}, then waits (bounded) for the answers still out. */
  void run(long deadlineNanos) throws InterruptedException {
    if (options.poisonRate() == 0) {
      return;
    }
    long every = TimeUnit.SECONDS.toNanos(1) / options.poisonRate();
    long next = System.nanoTime();
    for (int turn = 0; System.nanoTime() < deadlineNanos; turn++) {
      long wait = next - System.nanoTime();
      if (wait > 0) {
        TimeUnit.NANOSECONDS.sleep(Math.min(wait, Math.max(0, deadlineNanos - System.nanoTime())));
      }
      next += every;
      if (System.nanoTime() >= deadlineNanos
          || !slots.tryAcquire(
              Math.max(0, deadlineNanos - System.nanoTime()), TimeUnit.NANOSECONDS)) {
        break;
      }
      send(probe(turn));
    }
    slots.tryAcquire(IN_FLIGHT, options.timeout().plusSeconds(5).toMillis(), TimeUnit.MILLISECONDS);
  }

  /**
   * The probe of one turn: the fixed ones in order, every so often the reused reading id once one
   * is known.
   */
  private Poison probe(int turn) {
    int slot = turn % (probes.size() + 1);
    if (slot == probes.size()) {
      String line = acknowledgedLine.get();
      return line == null ? probes.get(0) : Poison.reusedId(line);
    }
    return probes.get(slot);
  }

  private void send(Poison probe) {
    URI target =
        probe.fhir() ? options.fhir("Patient") : options.ingest().resolve("/api/v1/vitals");
    Map<String, String> headers = new HashMap<>(probe.headers());
    headers.put("Content-Type", probe.contentType());
    headers.put("Accept", probe.fhir() ? NormalTraffic.FHIR_JSON : "application/json");
    long start = System.nanoTime();
    http.send(HttpMethod.POST, target, headers, probe.body())
        .whenComplete(
            (answer, error) -> {
              try {
                String failure;
                if (error != null) {
                  failure = "no answer: " + HttpLoadClient.failureKind(error);
                  count(probe.name(), failure);
                } else {
                  count(probe.name(), "HTTP " + answer.status());
                  failure =
                      Poison.violation(
                          probe.expect(), answer.status(), answer.header("Retry-After"));
                  if (failure == null && probe.fhir() && answer.status() / 100 == 2) {
                    String id = NormalTraffic.createdId(answer);
                    if (id == null) {
                      failure = "accepted without an id";
                    } else {
                      stored.add(new Stored(probe.name(), id, probe.storedMarker()));
                    }
                  }
                }
                meters.record(
                    new Outcome("poison " + probe.name(), failure),
                    (System.nanoTime() - start) / 1000);
              } finally {
                slots.release();
              }
            });
  }

  private void count(String probe, String answer) {
    answers
        .computeIfAbsent(probe, p -> new ConcurrentHashMap<>())
        .computeIfAbsent(answer, a -> new LongAdder())
        .increment();
  }

  Meters meters() {
    return meters;
  }

  /** Per probe, the answers it got and how often. */
  Map<String, Map<String, Long>> answers() {
    Map<String, Map<String, Long>> copy = new TreeMap<>();
    answers.forEach(
        (probe, counts) -> {
          Map<String, Long> c = new TreeMap<>();
          counts.forEach((answer, n) -> c.put(answer, n.sum()));
          copy.put(probe, c);
        });
    return copy;
  }

  List<Stored> stored() {
    return List.copyOf(stored);
  }
}
