package io.vitalflow.platform.cluster;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;

/**
 * What the fault and scale-out scenarios check in PostgreSQL: the stored count of every reading of
 * a run, and the 1-minute and 1-hour aggregates against the recomputation from {@code
 * vital_reading}.
 */
final class StoredReadings {

  private StoredReadings() {}

  /**
   * Reading id to stored count for the patients matching {@code pattern}, once the total reaches
   * {@code acked} and stops growing (or after 90 s); then 15 s more for the aggregates, which
   * follow through Streams (2 s commits) and their sinks (1-hour every 10 s).
   */
  static Map<String, Long> awaitStored(Connection db, String pattern, int acked)
      throws SQLException {
    Map<String, Long> stored = Map.of();
    long previous = -1;
    Instant deadline = Instant.now().plus(Duration.ofSeconds(90));
    while (Instant.now().isBefore(deadline)) {
      stored = stored(db, pattern);
      long total = stored.values().stream().mapToLong(Long::longValue).sum();
      if (total >= acked && total == previous) {
        break;
      }
      previous = total;
      Fault.pause(Duration.ofSeconds(2));
    }
    Fault.pause(Duration.ofSeconds(15));
    return stored;
  }

  static Map<String, Long> stored(Connection db, String pattern) throws SQLException {
    Map<String, Long> stored = new HashMap<>();
    try (PreparedStatement statement =
        db.prepareStatement(
            "select reading_id, count(*) from vital_reading where patient_id like ? group by 1")) {
      statement.setString(1, pattern);
      try (ResultSet rows = statement.executeQuery()) {
        while (rows.next()) {
          stored.put(rows.getString(1), rows.getLong(2));
        }
      }
    }
    return stored;
  }

  /**
   * [1m windows, 1m wrong, 1m over-counted, 1h windows, 1h wrong, 1h over-counted, readings
   * over-counted in 1m windows] against the recomputation from vital_reading. Over-counted: count
   * and sum higher, min and max equal (a retried reading counted twice); wrong: anything else that
   * differs, or a window missing.
   */
  static long[] aggregates(Connection db, String pattern) throws SQLException {
    long[] result = new long[7];
    String[][] tables = {{"vital_aggregate_1m", "minute"}, {"vital_aggregate_1h", "hour"}};
    for (int i = 0; i < 2; i++) {
      String sql =
          "with raw as (select patient_id, code, date_trunc('"
              + tables[i][1]
              + "', effective_time) as window_start, count(*) as c, sum(value) as s,"
              + " min(value) as mn, max(value) as mx from vital_reading where patient_id like ?"
              + " group by 1, 2, 3),"
              + " compared as (select raw.c, raw.s, raw.mn, raw.mx, a.patient_id as found,"
              + " a.count as ac, a.sum as asum, a.min as amin, a.max as amax from raw left join "
              + tables[i][0]
              + " a on a.patient_id = raw.patient_id and a.code = raw.code"
              + " and a.window_start = raw.window_start)"
              + " select count(*),"
              + " count(*) filter (where found is null or ac < c or amin <> mn or amax <> mx"
              + " or (ac = c and abs(asum - s) > 1e-6)),"
              + " count(*) filter (where found is not null and ac > c and amin = mn and amax = mx),"
              + " coalesce(sum(ac - c) filter (where found is not null and ac > c), 0)"
              + " from compared";
      try (PreparedStatement statement = db.prepareStatement(sql)) {
        statement.setString(1, pattern);
        try (ResultSet rows = statement.executeQuery()) {
          rows.next();
          result[i * 3] = rows.getLong(1);
          result[i * 3 + 1] = rows.getLong(2);
          result[i * 3 + 2] = rows.getLong(3);
          if (i == 0) {
            result[6] = rows.getLong(4);
          }
        }
      }
    }
    return result;
  }
}
