package io.vitalflow.fhir.vitals;

import io.r2dbc.spi.Readable;
import io.vitalflow.fhir.search.Visibility;
import io.vitalflow.web.security.Interaction;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Repository;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/** The benchmark report's vitals queries over R2DBC. */
@Repository
class VitalsQueries {

  private final DatabaseClient database;

  VitalsQueries(DatabaseClient database) {
    this.database = database;
  }

  /**
   * The newest value per vital sign, from the newest 1-minute window of each code: one index probe
   * per code on the window table's primary key. A window whose last reading lies in the future is
   * passed over until its time: a reading dated ahead (a device clock, or a client trying) must not
   * hide the real ones.
   */
  Flux<Latest> latest(String patientId) {
    return visible(patientId).flatMapMany(visible -> latestQuery(patientId));
  }

  /**
   * The caller may read this patient's vitals: any patient's with a {@code user/} or {@code
   * system/} Observation scope, its own with a patient-context token; otherwise the lists are
   * empty.
   */
  private static Mono<Boolean> visible(String patientId) {
    return Visibility.current(Interaction.READ)
        .map(visibility -> visibility.seesPatient("Observation", patientId))
        .filter(Boolean::booleanValue);
  }

  private Flux<Latest> latestQuery(String patientId) {
    return database
        .sql(
            """
        select a.code, a.last, a.unit, a.last_time
          from unnest(array['8867-4', '59408-5', '2708-6', '8480-6', '8462-4', '8310-5', '9279-1']) as c(code)
          cross join lateral (
            select code, last, unit, last_time from vital_aggregate_1m
             where patient_id = :patient and code = c.code and last_time <= now()
             order by window_start desc limit 1) a
         order by a.code""")
        .bind("patient", patientId)
        .map(
            row ->
                new Latest(
                    row.get("code", String.class),
                    row.get("last", Double.class),
                    row.get("unit", String.class),
                    instant(row, "last_time")))
        .all();
  }

  /**
   * The readings of the last {@code window} up to {@code now}, newest first; readings dated later
   * wait.
   */
  Flux<Reading> recent(String patientId, Duration window, int limit, Instant now) {
    return visible(patientId).flatMapMany(visible -> recentQuery(patientId, window, limit, now));
  }

  private Flux<Reading> recentQuery(String patientId, Duration window, int limit, Instant now) {
    return database
        .sql(
            """
        select code, value, unit, effective_time, device_id from vital_reading
         where patient_id = :patient and effective_time >= :since and effective_time <= :now
         order by effective_time desc limit :limit""")
        .bind("patient", patientId)
        .bind("since", now.minus(window).atOffset(ZoneOffset.UTC))
        .bind("now", now.atOffset(ZoneOffset.UTC))
        .bind("limit", limit)
        .map(VitalsQueries::reading)
        .all();
  }

  Flux<HourlyAggregate> hourly(String patientId, Duration window, Instant now) {
    return visible(patientId).flatMapMany(visible -> hourlyQuery(patientId, window, now));
  }

  private Flux<HourlyAggregate> hourlyQuery(String patientId, Duration window, Instant now) {
    return database
        .sql(
            """
        select code, unit, window_start, count, min, max, mean, last from vital_aggregate_1h
         where patient_id = :patient and window_start >= :since
         order by window_start desc, code""")
        .bind("patient", patientId)
        .bind("since", now.minus(window).atOffset(ZoneOffset.UTC))
        .map(
            row ->
                new HourlyAggregate(
                    row.get("code", String.class),
                    row.get("unit", String.class),
                    instant(row, "window_start"),
                    row.get("count", Long.class),
                    row.get("min", Double.class),
                    row.get("max", Double.class),
                    row.get("mean", Double.class),
                    row.get("last", Double.class)))
        .all();
  }

  private static Reading reading(Readable row) {
    return new Reading(
        row.get("code", String.class),
        row.get("value", Double.class),
        row.get("unit", String.class),
        instant(row, "effective_time"),
        row.get("device_id", String.class));
  }

  private static Instant instant(Readable row, String column) {
    return row.get(column, OffsetDateTime.class).toInstant();
  }

  record Reading(String code, double value, String unit, Instant effectiveTime, String deviceId) {}

  record Latest(String code, double value, String unit, Instant effectiveTime) {}

  record HourlyAggregate(
      String code,
      String unit,
      Instant windowStart,
      long count,
      double min,
      double max,
      double mean,
      double last) {}
}
