package io.vitalflow.processor.medication;

import io.vitalflow.interactions.Medication;
import java.time.Instant;
import java.util.Collections;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import org.apache.kafka.common.serialization.Serde;

/**
 * The state of one patient: the orders that count (order id to medication, in id order so every
 * check sees the list in the same order) and the DetectedIssues reported for them and not retired
 * yet, by key: the interaction's pair key (see {@link InteractionReport#pairKey}) or {@link
 * #notCheckedKey} of an order that could not be checked.
 */
record PatientMedications(
    SortedMap<String, Medication> orders, SortedMap<String, Reported> reported) {

  static final PatientMedications EMPTY = new PatientMedications(new TreeMap<>(), new TreeMap<>());

  /**
   * One reported DetectedIssue: its id, the orders it implicates ({@code secondOrder} null for a
   * not-checked issue) and when it was identified (its {@code identifiedDateTime}, kept by the
   * version that retires it). A pair read from a version 1 state (written before issues were
   * retired) has only its key: {@link #legacy()}.
   */
  record Reported(String issueId, String firstOrder, String secondOrder, Instant identified) {

    static final Reported LEGACY = new Reported(null, null, null, Instant.EPOCH);

    boolean legacy() {
      return issueId == null;
    }

    boolean implicates(String order) {
      return order.equals(firstOrder) || order.equals(secondOrder);
    }

    /** Whether this issue is about exactly these two orders, in either order. */
    boolean implicates(String a, String b) {
      return a.equals(firstOrder)
          ? b.equals(secondOrder)
          : a.equals(secondOrder) && b.equals(firstOrder);
    }
  }

  /**
   * Version 2 keeps each reported issue's id, orders and time instead of version 1's bare pair
   * keys; version 1 states still read (their pairs become {@link Reported#LEGACY}: not reported
   * again, never retired).
   */
  static final Serde<PatientMedications> SERDE =
      Binary.serde(
          2,
          1,
          (value, out) -> {
            out.writeInt(value.orders().size());
            for (Map.Entry<String, Medication> order : value.orders().entrySet()) {
              out.writeString(order.getKey());
              out.writeString(order.getValue().rxcui());
              out.writeString(order.getValue().name());
            }
            out.writeInt(value.reported().size());
            for (Map.Entry<String, Reported> entry : value.reported().entrySet()) {
              Reported issue = entry.getValue();
              out.writeString(entry.getKey());
              out.writeString(issue.issueId());
              out.writeString(issue.firstOrder());
              out.writeString(issue.secondOrder());
              out.writeLong(issue.identified().toEpochMilli());
            }
          },
          (version, in) -> {
            SortedMap<String, Medication> orders = new TreeMap<>();
            for (int i = in.readInt(); i > 0; i--) {
              String id = in.readString();
              String rxcui = in.readString();
              String name = in.readString();
              orders.put(
                  id,
                  rxcui == null && name == null
                      ? OrderReader.UNIDENTIFIED
                      : new Medication(rxcui, name));
            }
            SortedMap<String, Reported> reported = new TreeMap<>();
            for (int i = in.readInt(); i > 0; i--) {
              String key = in.readString();
              reported.put(
                  key,
                  version == 1
                      ? Reported.LEGACY
                      : new Reported(
                          in.readString(),
                          in.readString(),
                          in.readString(),
                          Instant.ofEpochMilli(in.readLong())));
            }
            return new PatientMedications(orders, reported);
          });

  /**
   * Read-only views, not copies: this runs several times per medication event, and no caller keeps
   * the maps.
   */
  PatientMedications {
    orders = Collections.unmodifiableSortedMap(orders);
    reported = Collections.unmodifiableSortedMap(reported);
  }

  /** The key of the not-checked issue of an order. */
  static String notCheckedKey(String orderId) {
    return "?" + orderId;
  }

  /**
   * This state with {@code change} applied to the orders, or this very state when the change leaves
   * the orders as they were (e.g. a new version of an order for the same medication); the reported
   * issues are unchanged.
   */
  PatientMedications apply(OrderChange change) {
    Medication current = orders.get(change.orderId());
    if (change.removes() ? current == null : change.medication().equals(current)) {
      return this;
    }
    SortedMap<String, Medication> next = new TreeMap<>(orders);
    if (change.removes()) {
      next.remove(change.orderId());
    } else {
      next.put(change.orderId(), change.medication());
    }
    return new PatientMedications(next, reported);
  }

  PatientMedications withReported(SortedMap<String, Reported> issues) {
    return new PatientMedications(orders, issues);
  }
}
