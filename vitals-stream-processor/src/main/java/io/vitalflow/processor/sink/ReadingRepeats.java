package io.vitalflow.processor.sink;

import io.vitalflow.schemas.VitalSign;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Finds the readings of a batch that are not stored yet: a reading is identified by (patient,
 * effective time, reading id), the unique index of {@code vital_reading}. One query probes that
 * index for the whole batch, so the new readings can still be COPYed (a plain insert with {@code ON
 * CONFLICT} costs about three times as much per row).
 */
final class ReadingRepeats {

  private static final String STORED =
      """
      select k.i from unnest(cast(? as text[]), cast(cast(? as text[]) as timestamptz[]), cast(? as text[]))
             with ordinality as k(patient_id, effective_time, reading_id, i)
       where exists (select 1 from vital_reading v
                      where v.patient_id = k.patient_id and v.effective_time = k.effective_time
                        and v.reading_id = k.reading_id)""";

  private record Key(String patientId, long effectiveMicros, String readingId) {}

  private ReadingRepeats() {}

  /** The readings neither stored before nor repeated earlier in the list, in their order. */
  static List<VitalSign> unstored(Connection connection, List<VitalSign> readings)
      throws SQLException {
    Set<Key> seen = new HashSet<>();
    List<VitalSign> distinct = new ArrayList<>(readings.size());
    for (VitalSign reading : readings) {
      if (seen.add(
          new Key(
              reading.getPatientId(),
              BinaryCopy.timestamp(reading.getEffectiveTime()),
              reading.getReadingId()))) {
        distinct.add(reading);
      }
    }
    String[] patients = new String[distinct.size()];
    String[] times = new String[distinct.size()];
    String[] ids = new String[distinct.size()];
    for (int i = 0; i < distinct.size(); i++) {
      VitalSign reading = distinct.get(i);
      patients[i] = reading.getPatientId();
      // microseconds, as COPY stores them (BinaryCopy truncates the same way)
      times[i] = reading.getEffectiveTime().truncatedTo(ChronoUnit.MICROS).toString();
      ids[i] = reading.getReadingId();
    }
    boolean[] stored = new boolean[distinct.size()];
    try (PreparedStatement statement = connection.prepareStatement(STORED)) {
      statement.setArray(1, connection.createArrayOf("text", patients));
      statement.setArray(2, connection.createArrayOf("text", times));
      statement.setArray(3, connection.createArrayOf("text", ids));
      try (ResultSet result = statement.executeQuery()) {
        while (result.next()) {
          stored[(int) result.getLong(1) - 1] = true;
        }
      }
    }
    List<VitalSign> unstored = new ArrayList<>(distinct.size());
    for (int i = 0; i < distinct.size(); i++) {
      if (!stored[i]) {
        unstored.add(distinct.get(i));
      }
    }
    return unstored;
  }
}
