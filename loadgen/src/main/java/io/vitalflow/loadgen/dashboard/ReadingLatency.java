package io.vitalflow.loadgen.dashboard;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * Reading-to-frame latency. A {@code vital} frame carries the reading's patient, code and effective
 * time but no time of acceptance, so each posted reading is remembered under (patient, code,
 * effective time in ms) with the moment it was sent and the moment the gateway answered 2xx; a
 * {@code vital} frame is matched on the same key. Two latencies: accepted (2xx) to frame, the one
 * the target is about, and sent to frame, its upper bound. A frame that arrives before the
 * gateway's answer reached us counts as 0 for accepted-to-frame (and is counted). Every watcher of
 * the patient receives the frame: each arrival is one sample. Thread-safe.
 */
public final class ReadingLatency {

  /** The parts of a {@code vital} frame the latency needs. */
  record VitalKey(String patientId, String code, long effectiveMillis) {}

  private static final class Sent {
    final long sentNanos;
    volatile long acceptedNanos;

    Sent(long sentNanos) {
      this.sentNanos = sentNanos;
    }
  }

  private final Map<VitalKey, Sent> readings = new ConcurrentHashMap<>();
  private final Recorder acceptedToFrame = new Recorder(3);
  private final Recorder sentToFrame = new Recorder(3);
  private final Histogram acceptedTotal = new Histogram(3);
  private final Histogram sentTotal = new Histogram(3);
  private final LongAdder matched = new LongAdder();
  private final LongAdder unmatched = new LongAdder();
  private final LongAdder beforeAccepted = new LongAdder();

  void sent(VitalKey key, long nanos) {
    readings.put(key, new Sent(nanos));
  }

  void accepted(VitalKey key, long nanos) {
    Sent sent = readings.get(key);
    if (sent != null) {
      sent.acceptedNanos = nanos;
    }
  }

  /** A reading that was not accepted: its frames, if any, are not matched. */
  void rejected(VitalKey key) {
    readings.remove(key);
  }

  /** One {@code vital} frame (its JSON text) received at {@code nanos}. */
  void frame(String json, long nanos) {
    VitalKey key = parseVital(json);
    Sent sent = key == null ? null : readings.get(key);
    if (sent == null) {
      unmatched.increment();
      return;
    }
    matched.increment();
    long accepted = sent.acceptedNanos;
    if (accepted == 0 || accepted > nanos) {
      beforeAccepted.increment();
      acceptedToFrame.recordValue(0);
    } else {
      acceptedToFrame.recordValue((nanos - accepted) / 1000);
    }
    sentToFrame.recordValue(Math.max(0, nanos - sent.sentNanos) / 1000);
  }

  /** Forgets readings sent before {@code nanos} (their frames are long due). */
  void expire(long nanos) {
    for (Iterator<Sent> it = readings.values().iterator(); it.hasNext(); ) {
      if (it.next().sentNanos < nanos) {
        it.remove();
      }
    }
  }

  /**
   * Moves the samples since the last call into the totals; returns the interval's
   * accepted-to-frame.
   */
  Histogram harvest() {
    Histogram interval = acceptedToFrame.getIntervalHistogram();
    acceptedTotal.add(interval);
    sentTotal.add(sentToFrame.getIntervalHistogram());
    return interval;
  }

  Histogram acceptedToFrameMicros() {
    return acceptedTotal;
  }

  Histogram sentToFrameMicros() {
    return sentTotal;
  }

  long matched() {
    return matched.sum();
  }

  long unmatched() {
    return unmatched.sum();
  }

  long beforeAccepted() {
    return beforeAccepted.sum();
  }

  /**
   * Patient, code and effective time of a {@code vital} frame, found by plain string search (the
   * server writes these as JSON strings without escapes: ids are FHIR ids, codes LOINC); null when
   * a field is missing.
   */
  static VitalKey parseVital(String json) {
    String patient = stringField(json, "\"patientId\":\"");
    String code = stringField(json, "\"code\":\"");
    String time = stringField(json, "\"effectiveTime\":\"");
    if (patient == null || code == null || time == null) {
      return null;
    }
    try {
      return new VitalKey(patient, code, Instant.parse(time).toEpochMilli());
    } catch (DateTimeParseException e) {
      return null;
    }
  }

  private static String stringField(String json, String prefix) {
    int start = json.indexOf(prefix);
    if (start < 0) {
      return null;
    }
    start += prefix.length();
    int end = json.indexOf('"', start);
    return end < 0 ? null : json.substring(start, end);
  }
}
