package io.vitalflow.dashboard.push.state;

import java.util.AbstractSet;
import java.util.Arrays;
import java.util.Collection;
import java.util.Iterator;

/**
 * The patients of one subscription: immutable, in the order given, as one array (what every idle
 * connection holds, so a list of ten costs 72 bytes instead of a ~550-byte hash set). {@code
 * contains} is a scan: a subscription has at most {@code max-patients-per-subscription} (500) ids.
 */
final class PatientIds extends AbstractSet<String> {

  private final String[] ids;

  private PatientIds(String[] ids) {
    this.ids = ids;
  }

  /** The ids of {@code patients} (distinct, in iteration order). */
  static PatientIds of(Collection<String> patients) {
    return new PatientIds(patients.toArray(new String[0]));
  }

  /** From an array of distinct ids, which this set then owns. */
  static PatientIds own(String[] ids) {
    return new PatientIds(ids);
  }

  @Override
  public Iterator<String> iterator() {
    return Arrays.asList(ids).iterator();
  }

  @Override
  public int size() {
    return ids.length;
  }

  @Override
  public boolean contains(Object o) {
    for (String id : ids) {
      if (id.equals(o)) {
        return true;
      }
    }
    return false;
  }
}
