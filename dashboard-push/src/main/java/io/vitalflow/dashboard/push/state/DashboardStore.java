package io.vitalflow.dashboard.push.state;

import io.vitalflow.dashboard.push.protocol.Payloads;
import io.vitalflow.dashboard.push.protocol.Payloads.AckValue;
import io.vitalflow.dashboard.push.protocol.Payloads.VitalValue;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.springframework.r2dbc.core.DatabaseClient;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * What the dashboard reads from and writes to PostgreSQL: stored latest values and alert
 * acknowledgements.
 */
public final class DashboardStore {

  private final DatabaseClient database;

  public DashboardStore(DatabaseClient database) {
    this.database = database;
  }

  /**
   * The newest value per code of these patients from their newest 1-minute windows of the last day;
   * a window whose last reading is dated ahead is passed over until its time (see {@link
   * LiveState}).
   */
  public Mono<Map<String, List<VitalValue>>> latestVitals(Collection<String> patientIds) {
    if (patientIds.isEmpty()) {
      return Mono.just(Map.of());
    }
    return database
        .sql(
            """
        select distinct on (patient_id, code) patient_id, code, unit, last, last_time
        from vital_aggregate_1m
        where patient_id = any($1) and window_start >= $2 and last_time <= now()
        order by patient_id, code, window_start desc""")
        .bind(0, patientIds.toArray(String[]::new))
        .bind(1, OffsetDateTime.now(ZoneOffset.UTC).minusDays(1))
        .map(
            (row, meta) ->
                Map.entry(
                    row.get("patient_id", String.class),
                    new VitalValue(
                        row.get("code", String.class),
                        row.get("last", Double.class),
                        row.get("unit", String.class),
                        Payloads.time(row.get("last_time", OffsetDateTime.class).toInstant()),
                        null)))
        .all()
        .collect(
            HashMap<String, List<VitalValue>>::new,
            (map, entry) ->
                map.computeIfAbsent(entry.getKey(), id -> new ArrayList<>()).add(entry.getValue()))
        .map(map -> (Map<String, List<VitalValue>>) map);
  }

  public Mono<Void> saveAck(String alertId, String patientId, Instant at, String by) {
    return database
        .sql(
            """
        insert into alert_ack (alert_id, patient_id, acknowledged_at, acknowledged_by) values ($1, $2, $3, $4)
        on conflict (alert_id) do nothing""")
        .bind(0, alertId)
        .bind(1, patientId)
        .bind(2, at.atOffset(ZoneOffset.UTC))
        .bind(3, by)
        .then();
  }

  public Flux<AckValue> acksSince(Instant since) {
    return database
        .sql(
            "select alert_id, acknowledged_at, acknowledged_by from alert_ack where acknowledged_at >= $1")
        .bind(0, since.atOffset(ZoneOffset.UTC))
        .map(
            (row, meta) ->
                new AckValue(
                    row.get("alert_id", String.class),
                    Payloads.time(row.get("acknowledged_at", OffsetDateTime.class).toInstant()),
                    row.get("acknowledged_by", String.class)))
        .all();
  }
}
