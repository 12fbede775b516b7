package io.vitalflow.dashboard.push.state;

import io.vitalflow.dashboard.push.protocol.Payloads;
import io.vitalflow.dashboard.push.protocol.Payloads.AckValue;
import io.vitalflow.dashboard.push.protocol.Payloads.AggregateValue;
import io.vitalflow.dashboard.push.protocol.Payloads.AlertValue;
import io.vitalflow.dashboard.push.protocol.Payloads.News2Value;
import io.vitalflow.dashboard.push.protocol.Payloads.PatientSnapshot;
import io.vitalflow.dashboard.push.protocol.Payloads.VitalValue;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The newest known state per patient: latest value and 1-minute aggregate per code, latest NEWS2,
 * the most recent alerts with their acknowledgement. Bounded: at most {@code maxPatients} patients
 * (the least recently updated is forgotten) and {@code maxAlertsPerPatient} alerts each.
 *
 * <p>A reading dated after this service's clock is held, not shown: it becomes the latest value of
 * its code once its time has come (at the next reading or snapshot of the patient), unless a newer
 * reading came first. Otherwise one reading dated ahead, by a drifting device clock or a hostile
 * client, would hide the real readings until its time. A held reading is not pushed live by itself;
 * the readings after it are.
 */
public final class LiveState {

  private static final class Patient {
    final TreeMap<String, VitalValue> vitals = new TreeMap<>();

    /** Per code, the newest reading dated after the clock, waiting for its time. */
    final TreeMap<String, VitalValue> ahead = new TreeMap<>();

    final TreeMap<String, AggregateValue> aggregates = new TreeMap<>();
    News2Value news2;
    final LinkedHashMap<String, AlertValue> alerts = new LinkedHashMap<>();
  }

  private final int maxAlertsPerPatient;
  private final Clock clock;
  private final LinkedHashMap<String, Patient> patients;
  private final Map<String, String> alertPatient = new HashMap<>();

  /**
   * Acknowledgements read from PostgreSQL at start, applied when their alert is read from the
   * topic.
   */
  private final Map<String, AckValue> knownAcks = new HashMap<>();

  public LiveState(int maxPatients, int maxAlertsPerPatient) {
    this(maxPatients, maxAlertsPerPatient, Clock.systemUTC());
  }

  LiveState(int maxPatients, int maxAlertsPerPatient, Clock clock) {
    this.maxAlertsPerPatient = maxAlertsPerPatient;
    this.clock = clock;
    this.patients =
        new LinkedHashMap<>(1024, 0.75f, true) {
          private static final long serialVersionUID = 1L;

          @Override
          protected boolean removeEldestEntry(Map.Entry<String, Patient> eldest) {
            if (size() > maxPatients) {
              eldest.getValue().alerts.keySet().forEach(alertPatient::remove);
              return true;
            }
            return false;
          }
        };
  }

  /**
   * True when the value is at least as new as the one known for the code and not dated after the
   * clock (then it is held until its time, see the class comment).
   */
  synchronized boolean vital(String patientId, VitalValue value) {
    Patient patient = patient(patientId);
    String now = Payloads.time(clock.instant());
    applyDue(patient, now);
    if (value.effectiveTime().compareTo(now) > 0) {
      patient.ahead.merge(value.code(), value, LiveState::newer);
      return false;
    }
    return apply(patient, value);
  }

  private static boolean apply(Patient patient, VitalValue value) {
    VitalValue known = patient.vitals.get(value.code());
    if (known != null && known.effectiveTime().compareTo(value.effectiveTime()) > 0) {
      return false;
    }
    patient.vitals.put(value.code(), value);
    return true;
  }

  /** Moves the held readings whose time has come into the latest values. */
  private static void applyDue(Patient patient, String now) {
    if (patient.ahead.isEmpty()) {
      return;
    }
    for (Iterator<VitalValue> held = patient.ahead.values().iterator(); held.hasNext(); ) {
      VitalValue value = held.next();
      if (value.effectiveTime().compareTo(now) <= 0) {
        apply(patient, value);
        held.remove();
      }
    }
  }

  private static VitalValue newer(VitalValue older, VitalValue newer) {
    return older.effectiveTime().compareTo(newer.effectiveTime()) > 0 ? older : newer;
  }

  /** True when the window is not older than the one known for the code. */
  synchronized boolean aggregate(String patientId, AggregateValue value) {
    AggregateValue known = patient(patientId).aggregates.get(value.code());
    if (known != null && known.windowStart().compareTo(value.windowStart()) > 0) {
      return false;
    }
    patient(patientId).aggregates.put(value.code(), value);
    return true;
  }

  /** Stores the score and returns it with the previous band filled in. */
  synchronized News2Value news2(
      String patientId,
      int score,
      String band,
      boolean complete,
      Map<String, Integer> components,
      String computedAt) {
    Patient patient = patient(patientId);
    String previousBand = patient.news2 == null ? null : patient.news2.band();
    News2Value value = new News2Value(score, band, previousBand, complete, components, computedAt);
    patient.news2 = value;
    return value;
  }

  /**
   * Stores a new alert (with a known acknowledgement applied); null when the alert is already
   * known.
   */
  synchronized AlertValue alert(String patientId, AlertValue alert) {
    Patient patient = patient(patientId);
    if (patient.alerts.containsKey(alert.alertId())) {
      return null;
    }
    AckValue ack = knownAcks.remove(alert.alertId());
    AlertValue stored =
        ack == null ? alert : alert.acknowledge(ack.acknowledgedAt(), ack.acknowledgedBy());
    patient.alerts.put(stored.alertId(), stored);
    alertPatient.put(stored.alertId(), patientId);
    while (patient.alerts.size() > maxAlertsPerPatient) {
      String oldest = patient.alerts.keySet().iterator().next();
      patient.alerts.remove(oldest);
      alertPatient.remove(oldest);
    }
    return stored;
  }

  /** The patient of a known alert, or null. */
  public synchronized String patientOfAlert(String alertId) {
    return alertPatient.get(alertId);
  }

  /** Acknowledges a known, unacknowledged alert; null when unknown or already acknowledged. */
  public synchronized AckValue acknowledge(String alertId, String at, String by) {
    String patientId = alertPatient.get(alertId);
    if (patientId == null) {
      return null;
    }
    Patient patient = patients.get(patientId);
    AlertValue alert = patient.alerts.get(alertId);
    if (alert.acknowledged()) {
      return null;
    }
    patient.alerts.put(alertId, alert.acknowledge(at, by));
    return new AckValue(alertId, at, by);
  }

  synchronized void knownAcks(List<AckValue> acks) {
    for (AckValue ack : acks) {
      String patientId = alertPatient.get(ack.alertId());
      if (patientId != null) {
        Patient patient = patients.get(patientId);
        AlertValue alert = patient.alerts.get(ack.alertId());
        if (!alert.acknowledged()) {
          patient.alerts.put(
              ack.alertId(), alert.acknowledge(ack.acknowledgedAt(), ack.acknowledgedBy()));
        }
      } else {
        knownAcks.put(ack.alertId(), ack);
      }
    }
  }

  /** Forgets acknowledgements whose alert never came (called once the topics are caught up). */
  synchronized void dropUnmatchedAcks() {
    knownAcks.clear();
  }

  public synchronized boolean hasVitals(String patientId) {
    Patient patient = patients.get(patientId);
    return patient != null && !patient.vitals.isEmpty();
  }

  public synchronized PatientSnapshot snapshot(
      String patientId, String ward, List<VitalValue> stored) {
    Patient patient = patients.get(patientId);
    TreeMap<String, VitalValue> vitals = new TreeMap<>();
    stored.forEach(value -> vitals.put(value.code(), value));
    if (patient == null) {
      return new PatientSnapshot(
          patientId, ward, new ArrayList<>(vitals.values()), List.of(), null, List.of());
    }
    applyDue(patient, Payloads.time(clock.instant()));
    patient.vitals.forEach((code, value) -> vitals.merge(code, value, LiveState::newer));
    return new PatientSnapshot(
        patientId,
        ward,
        new ArrayList<>(vitals.values()),
        new ArrayList<>(patient.aggregates.values()),
        patient.news2,
        new ArrayList<>(patient.alerts.values()));
  }

  private Patient patient(String patientId) {
    return patients.computeIfAbsent(patientId, id -> new Patient());
  }
}
