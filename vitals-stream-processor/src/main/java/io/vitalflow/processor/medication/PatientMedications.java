package io.vitalflow.processor.medication;

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

  static final Serde<PatientMedications> SERDE = Binary.serde((byte) 1, (value, out) -> {
    out.writeInt(value.orders().size());
    for (Map.Entry<String, Medication> order : value.orders().entrySet()) {
      Binary.writeString(out, order.getKey());
      Binary.writeString(out, order.getValue().rxcui());
      Binary.writeString(out, order.getValue().name());
    }
    out.writeInt(value.reported().size());
    for (String pair : value.reported()) {
      Binary.writeString(out, pair);
    }
  }, in -> {
    SortedMap<String, Medication> orders = new TreeMap<>();
    for (int i = in.readInt(); i > 0; i--) {
      orders.put(Binary.readString(in), new Medication(Binary.readString(in), Binary.readString(in)));
    }
    SortedSet<String> reported = new TreeSet<>();
    for (int i = in.readInt(); i > 0; i--) {
      reported.add(Binary.readString(in));
    }
    return new PatientMedications(orders, reported);
  });

  PatientMedications {
    orders = new TreeMap<>(orders);
    reported = new TreeSet<>(reported);
  }

  /** This state with {@code change} applied to the orders; the reported pairs are unchanged. */
  PatientMedications apply(OrderChange change) {
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
