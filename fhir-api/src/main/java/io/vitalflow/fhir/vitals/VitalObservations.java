package io.vitalflow.fhir.vitals;

import ca.uhn.fhir.context.FhirContext;
import io.vitalflow.fhir.search.InvalidSearchException;
import io.vitalflow.fhir.search.SearchRequest;
import io.vitalflow.fhir.search.SearchResult;
import io.vitalflow.fhir.search.Visibility;
import io.vitalflow.schemas.VitalSignType;
import io.vitalflow.web.security.Interaction;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Vital-sign readings of {@code vital_reading} as FHIR R4 {@code Observation}s: searches that ask
 * for the vital-signs category, reads by the ids of {@link VitalObservationId}, and the newest
 * readings per code ({@code $lastn}). Readings with the same patient, code and effective time (a
 * resent reading) are one Observation: the row with the smallest reading id.
 */
@Component
public final class VitalObservations {

  /** Most readings per code {@code $lastn} answers. */
  static final int MAX_LASTN = 100;

  /**
   * How far back {@code $lastn} looks for a code without any 1-minute window yet (readings the
   * stream has not aggregated): the aggregate sink writes every 2 s, so this is a generous bound.
   */
  static final String UNAGGREGATED_LOOKBACK = "10 minutes";

  private static final Logger log = LoggerFactory.getLogger(VitalObservations.class);
  private static final String[] ALL_CODES =
      Arrays.stream(VitalSignType.values()).map(VitalSignType::code).toArray(String[]::new);

  private final DatabaseClient database;
  private final FhirContext fhir = FhirContext.forR4Cached();

  public VitalObservations(DatabaseClient database) {
    this.database = database;
  }

  /** Whether {@code id} is the id of a vital-sign reading (by its shape; it may not exist). */
  public static boolean isVitalId(String id) {
    return VitalObservationId.hasShape(id);
  }

  /**
   * An Observation search with category vital-signs: patient or subject (required), category, code,
   * date, {@code _sort} (date, -date; default newest first), paged by {@code count} and {@code
   * offset}.
   *
   * @return the page; fails with {@link InvalidSearchException} for a search without a patient, a
   *     malformed value, or an unknown parameter when {@link SearchRequest#strict()}
   */
  public Mono<SearchResult> search(SearchRequest request) {
    return Visibility.current(Interaction.SEARCH)
        .flatMap(visibility -> search(request, visibility));
  }

  /**
   * The search limited to the patients {@code visibility} shows: a patient-context token's own
   * patient only (the readings' {@code patient_id} is their compartment).
   */
  private Mono<SearchResult> search(SearchRequest request, Visibility visibility) {
    VitalQuery query;
    try {
      if (!"Observation".equals(request.resourceType())) {
        throw new InvalidSearchException(
            "Vital signs are Observations, not " + request.resourceType());
      }
      query = VitalQuery.parse(request.parameters(), request.strict(), true, Set.of("_total"));
    } catch (InvalidSearchException e) {
      return Mono.error(e);
    }
    if (query.matchesNothing() || query.codes() != null && query.codes().isEmpty()) {
      return Mono.just(new SearchResult(List.of(), List.of(), 0L, false, query.ignored()));
    }
    List<String> patients =
        query.patients().stream()
            .filter(patient -> visibility.seesPatient("Observation", patient))
            .toList();
    if (patients.isEmpty()) {
      return Mono.just(new SearchResult(List.of(), List.of(), 0L, false, query.ignored()));
    }
    int count = request.count();
    int offset = request.offset();
    Map<String, Object> binds = new HashMap<>();
    StringBuilder sql =
        new StringBuilder("select distinct on (effective_time, code, patient_id) ")
            .append(StoredReading.COLUMNS)
            .append(" from vital_reading where ");
    if (patients.size() == 1) {
      // equality keeps the index order by effective time: the page is read, not the patient's
      // readings sorted
      sql.append("patient_id = :patient");
      binds.put("patient", patients.get(0));
    } else {
      sql.append("patient_id = any(:patients)");
      binds.put("patients", patients.toArray(String[]::new));
    }
    if (query.codes() != null) {
      sql.append(" and code = any(:codes)");
      binds.put("codes", query.codes().toArray(String[]::new));
    }
    for (int i = 0; i < query.dates().size(); i++) {
      List<String> alternatives = new ArrayList<>();
      List<DateParameter> values = query.dates().get(i);
      for (int j = 0; j < values.size(); j++) {
        String name = "d" + i + "v" + j;
        DateParameter value = values.get(j);
        String condition = value.sql("effective_time", name);
        alternatives.add(condition);
        if (condition.contains(":" + name + "low")) {
          binds.put(name + "low", utc(value.low()));
        }
        if (condition.contains(":" + name + "high")) {
          binds.put(name + "high", utc(value.high()));
        }
      }
      sql.append(" and (").append(String.join(" or ", alternatives)).append(')');
    }
    String direction = query.ascending() ? "asc" : "desc";
    sql.append(" order by effective_time ")
        .append(direction)
        .append(", code, patient_id, reading_id")
        .append(" limit :limit offset :offset");
    binds.put("limit", count + 1);
    binds.put("offset", offset);
    log.debug(
        "Vital-signs search: {} codes, {} date parameters, count {}, offset {}",
        query.codes() == null ? "all" : query.codes().size(),
        query.dates().size(),
        count,
        offset);
    DatabaseClient.GenericExecuteSpec spec = database.sql(sql.toString());
    for (Map.Entry<String, Object> bind : binds.entrySet()) {
      spec = spec.bind(bind.getKey(), bind.getValue());
    }
    return spec.map(StoredReading::of)
        .all()
        .collectList()
        .map(
            rows -> {
              boolean hasMore = rows.size() > count;
              List<StoredReading> page = hasMore ? rows.subList(0, count) : rows;
              Long total =
                  !hasMore && (offset == 0 || !page.isEmpty()) ? (long) offset + page.size() : null;
              List<String> matches =
                  page.stream().map(row -> encode(VitalSignMapping.toObservation(row))).toList();
              return new SearchResult(matches, List.of(), total, hasMore, query.ignored());
            });
  }

  /**
   * The Observation JSON of a reading id; empty when the id is not a readable vital-sign id or the
   * reading is gone.
   */
  public Mono<String> read(String id) {
    return Visibility.current(Interaction.READ)
        .flatMap(
            visibility ->
                VitalObservationId.parse(id)
                    .filter(parsed -> visibility.seesPatient("Observation", parsed.patientId()))
                    .map(this::read)
                    .orElse(Mono.empty()))
        .filter(row -> row.id().value().equals(id))
        .map(row -> encode(VitalSignMapping.toObservation(row)));
  }

  private Mono<StoredReading> read(VitalObservationId parsed) {
    return database
        .sql(
            "select "
                + StoredReading.COLUMNS
                + " from vital_reading"
                + " where patient_id = :patient and effective_time >= :time and effective_time < :next and code = :code"
                + " order by reading_id limit 1")
        .bind("patient", parsed.patientId())
        .bind("time", utc(parsed.effectiveTime()))
        .bind("next", utc(parsed.effectiveTime().plusMillis(1)))
        .bind("code", parsed.code())
        .map(StoredReading::of)
        .one();
  }

  /**
   * The newest {@code max} readings of each code (all stored codes when {@code codes} is null),
   * ordered by code and newest first. Each code costs one probe of the 1-minute windows' primary
   * key (the oldest of the newest {@code max} windows bounds the readings from below) and one
   * bounded range of the readings' index. Readings dated after the database's clock are left out
   * until their time, so that one dated ahead never hides the newest real reading.
   */
  Flux<StoredReading> lastn(String patientId, List<String> codes, int max) {
    return Visibility.current(Interaction.SEARCH)
        .filter(visibility -> visibility.seesPatient("Observation", patientId))
        .flatMapMany(visible -> lastnQuery(patientId, codes, max));
  }

  private Flux<StoredReading> lastnQuery(String patientId, List<String> codes, int max) {
    return database
        .sql(
            """
        select r.* from unnest(cast(:codes as text[])) as c(code)
          cross join lateral (
            select coalesce(min(w.window_start), now() - cast(:lookback as interval)) as since from (
              select window_start from vital_aggregate_1m
               where patient_id = :patient and code = c.code and window_start <= now()
               order by window_start desc limit :max) w) b
          cross join lateral (
            select distinct on (v.effective_time) v.patient_id, v.code, v.effective_time, v.value, v.unit,
                   v.device_id, v.reading_id, v.stored_at
              from vital_reading v
             where v.patient_id = :patient and v.code = c.code and v.effective_time >= b.since
               and v.effective_time <= now()
             order by v.effective_time desc, v.reading_id
             limit :max) r
         order by r.code, r.effective_time desc""")
        .bind("codes", codes == null ? ALL_CODES : codes.toArray(String[]::new))
        .bind("patient", patientId)
        .bind("max", max)
        .bind("lookback", UNAGGREGATED_LOOKBACK)
        .map(StoredReading::of)
        .all();
  }

  /** FHIR JSON of a resource (a parser is cheap and not thread-safe: one per call). */
  String encode(IBaseResource resource) {
    return fhir.newJsonParser().encodeResourceToString(resource);
  }

  private static OffsetDateTime utc(Instant instant) {
    return instant.atOffset(ZoneOffset.UTC);
  }
}
