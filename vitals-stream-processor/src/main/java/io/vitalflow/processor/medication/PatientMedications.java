package io.vitalflow.processor.medication;

import java.util.Collections;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;

import org.apache.kafka.common.serialization.Serde;

import io.vitalflow.interactions.Medication;

/**
 * The state of one patient: the orders that count (order id to medication, in id order so every check sees the
 * list in the same order) and the interactions already reported for them (pair keys, see
 * {@link InteractionReport#pairKey}).
 */
record PatientMedications(SortedMap<String, Medication> orders, SortedSet<String> reported) {

  static final PatientMedications EMPTY = new PatientMedications(new TreeMap<>(), new TreeSet<>());

  static final Serde<PatientMedications> SERDE = Binary.serde(1, 1, (value, out) -> {
    out.writeInt(value.orders().size());
    for (Map.Entry<String, Medication> order : value.orders().entrySet()) {
      out.writeString(order.getKey());
      out.writeString(order.getValue().rxcui());
      out.writeString(order.getValue().name());
    }
    out.writeInt(value.reported().size());
    for (String pair : value.reported()) {
      out.writeString(pair);
    }
  }, (version, in) -> {
    SortedMap<String, Medication> orders = new TreeMap<>();
    for (int i = in.readInt(); i > 0; i--) {
      orders.put(in.readString(), new Medication(in.readString(), in.readString()));
    }
    SortedSet<String> reported = new TreeSet<>();
    for (int i = in.readInt(); i > 0; i--) {
      reported.add(in.readString());
    }
    return new PatientMedications(orders, reported);
  });

  /** Read-only views, not copies: this runs several times per medication event, and no caller keeps the maps. */
  PatientMedications {
    orders = Collections.unmodifiableSortedMap(orders);
    reported = Collections.unmodifiableSortedSet(reported);
  }

  /**
   * This state with {@code change} applied to the orders, or this very state when the change leaves the orders as
   * they were (e.g. a new version of an order for the same medication); the reported pairs are unchanged.
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

  PatientMedications withReported(Set<String> pairs) {
    return new PatientMedications(orders, new TreeSet<>(pairs));
  }
}
