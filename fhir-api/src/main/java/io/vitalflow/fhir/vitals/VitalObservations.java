package io.vitalflow.fhir.vitals;

import ca.uhn.fhir.context.FhirContext;
import io.vitalflow.fhir.search.InvalidSearchException;
import io.vitalflow.fhir.search.SearchRequest;
import io.vitalflow.fhir.search.SearchResult;
import io.vitalflow.fhir.search.Visibility;
import io.vitalflow.schemas.VitalSignType;
import io.vitalflow.web.security.Interaction;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.Resource;
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
   * Readings that did not come from a FHIR API write (whose reading id is {@code
   * Observation/<id>/_history/<version>}; a gateway's reading ids hold no {@code /}): an
   * Observation written through the API is served from the resource store under its own id, so its
   * reading is left out here.
   */
  static final String DEVICE_READINGS = "reading_id not like 'Observation/%'";

  /**
   * Parameters of a search the readings part accepts and leaves to others: {@code _total} (the
   * total is counted when asked for), {@code _include} and {@code _revinclude} ({@link
   * VitalSignSearch} adds the included resources).
   */
  static final Set<String> SEARCH_ALSO_KNOWN =
      Set.of("_total", "_include", "_include:iterate", "_revinclude", "_revinclude:iterate");

  private static final Comparator<StoredReading> LASTN_ORDER =
      Comparator.comparing(StoredReading::code)
          .thenComparing(StoredReading::effectiveTime, Comparator.reverseOrder());

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
   * The number of readings the search matches, every page together: {@code _summary=count} and
   * {@code _total=accurate} of vital-signs searches. Counting reads the index entries of every
   * match (a patient's readings of 7 days at most: the table keeps no more).
   */
  public Mono<Long> count(SearchRequest request) {
    return Visibility.current(Interaction.SEARCH)
        .flatMap(
            visibility -> {
              Selection selection;
              try {
                selection = select(request, visibility);
              } catch (InvalidSearchException e) {
                return Mono.error(e);
              }
              if (selection.where() == null) {
                return Mono.just(0L);
              }
              return bind(
                      database.sql(
                          "select count(*) as total from (select distinct effective_time, code,"
                              + " patient_id from vital_reading where "
                              + selection.where()
                              + ") r"),
                      selection.binds())
                  .map(row -> row.get("total", Long.class))
                  .one()
                  .defaultIfEmpty(0L);
            });
  }

  /**
   * The search limited to the patients {@code visibility} shows: a patient-context token's own
   * patient only (the readings' {@code patient_id} is their compartment).
   */
  private Mono<SearchResult> search(SearchRequest request, Visibility visibility) {
    Selection selection;
    try {
      selection = select(request, visibility);
    } catch (InvalidSearchException e) {
      return Mono.error(e);
    }
    VitalQuery query = selection.query();
    if (selection.where() == null) {
      return Mono.just(new SearchResult(List.of(), List.of(), 0L, false, query.ignored()));
    }
    int count = request.count();
    int offset = request.offset();
    Map<String, Object> binds = new HashMap<>(selection.binds());
    StringBuilder sql =
        new StringBuilder("select distinct on (effective_time, code, patient_id) ")
            .append(StoredReading.COLUMNS)
            .append(" from vital_reading where ")
            .append(selection.where());
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
    return bind(database.sql(sql.toString()), binds)
        .map(StoredReading::of)
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
   * The conditions on {@code vital_reading} of a search; without conditions ({@code where} null)
   * when it matches nothing.
   *
   * @throws InvalidSearchException as {@link VitalQuery#parse} does
   */
  private static Selection select(SearchRequest request, Visibility visibility) {
    if (!"Observation".equals(request.resourceType())) {
      throw new InvalidSearchException(
          "Vital signs are Observations, not " + request.resourceType());
    }
    VitalQuery query =
        VitalQuery.parse(request.parameters(), request.strict(), true, SEARCH_ALSO_KNOWN);
    if (query.matchesNothing() || query.codes() != null && query.codes().isEmpty()) {
      return new Selection(query, null, Map.of());
    }
    List<String> patients =
        query.patients().stream()
            .filter(patient -> visibility.seesPatient("Observation", patient))
            .toList();
    if (patients.isEmpty()) {
      return new Selection(query, null, Map.of());
    }
    Map<String, Object> binds = new HashMap<>();
    StringBuilder sql = new StringBuilder(DEVICE_READINGS).append(" and ");
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
    if (query.readingIds() != null) {
      sql.append(" and reading_id = any(:readingIds)");
      binds.put("readingIds", query.readingIds().toArray(String[]::new));
    }
    if (query.devices() != null) {
      sql.append(" and device_id = any(:devices)");
      binds.put("devices", query.devices().toArray(String[]::new));
    }
    if (query.ids() != null) {
      List<String> alternatives = new ArrayList<>();
      for (int i = 0; i < query.ids().size(); i++) {
        VitalObservationId id = query.ids().get(i);
        alternatives.add(
            "(patient_id = :idp%1$d and code = :idc%1$d and effective_time >= :idt%1$d".formatted(i)
                + " and effective_time < :idn%d)".formatted(i));
        binds.put("idp" + i, id.patientId());
        binds.put("idc" + i, id.code());
        binds.put("idt" + i, utc(id.effectiveTime()));
        binds.put("idn" + i, utc(id.effectiveTime().plusMillis(1)));
      }
      sql.append(" and (").append(String.join(" or ", alternatives)).append(')');
    }
    for (int i = 0; i < query.quantities().size(); i++) {
      List<String> alternatives = new ArrayList<>();
      List<VitalQuery.ValueCondition> values = query.quantities().get(i);
      for (int j = 0; j < values.size(); j++) {
        String name = "q" + i + "v" + j;
        VitalQuery.ValueCondition value = values.get(j);
        String condition = numberCondition(value, name, binds);
        if (value.unit() != null) {
          condition = "(" + condition + " and unit = :" + name + "unit)";
          binds.put(name + "unit", value.unit());
        }
        if (value.codes() != null) {
          condition = "(" + condition + " and code = any(:" + name + "codes))";
          binds.put(name + "codes", value.codes().toArray(String[]::new));
        }
        alternatives.add(condition);
      }
      sql.append(" and (").append(String.join(" or ", alternatives)).append(')');
    }
    dates(sql, binds, "d", "effective_time", query.dates());
    dates(sql, binds, "u", "stored_at", query.lastUpdated());
    return new Selection(query, sql.toString(), binds);
  }

  /**
   * A {@code value-quantity} number on the reading's value, as the search index compares numbers:
   * {@code eq}/{@code ne} by the precision of the search value ({@code 100} is [99.5, 100.5)),
   * {@code ap} within 10 %.
   */
  private static String numberCondition(
      VitalQuery.ValueCondition condition, String name, Map<String, Object> binds) {
    BigDecimal value = condition.value();
    BigDecimal half =
        BigDecimal.ONE
            .movePointLeft(Math.max(value.scale(), 0) + 1)
            .multiply(BigDecimal.valueOf(5));
    BigDecimal low = value.subtract(half);
    BigDecimal high = value.add(half);
    if (condition.prefix().equals("ap")) {
      BigDecimal margin = value.abs().multiply(new BigDecimal("0.1"));
      low = value.subtract(margin);
      high = value.add(margin);
    }
    String v = ":" + name;
    return switch (condition.prefix()) {
      case "eq", "ap" -> {
        binds.put(name + "low", low.doubleValue());
        binds.put(name + "high", high.doubleValue());
        yield "(value >= "
            + v
            + "low and value "
            + (condition.prefix().equals("eq") ? "<" : "<=")
            + " "
            + v
            + "high)";
      }
      case "ne" -> {
        binds.put(name + "low", low.doubleValue());
        binds.put(name + "high", high.doubleValue());
        yield "(value < " + v + "low or value >= " + v + "high)";
      }
      default -> {
        binds.put(name, value.doubleValue());
        yield "value "
            + switch (condition.prefix()) {
              case "gt", "sa" -> ">";
              case "lt", "eb" -> "<";
              case "ge" -> ">=";
              default -> "<=";
            }
            + " "
            + v;
      }
    };
  }

  /** AND of {@code conditions}, each an OR of date ranges on {@code column}. */
  private static void dates(
      StringBuilder sql,
      Map<String, Object> binds,
      String prefix,
      String column,
      List<List<DateParameter>> conditions) {
    for (int i = 0; i < conditions.size(); i++) {
      List<String> alternatives = new ArrayList<>();
      List<DateParameter> values = conditions.get(i);
      for (int j = 0; j < values.size(); j++) {
        String name = prefix + i + "v" + j;
        DateParameter value = values.get(j);
        String condition = value.sql(column, name);
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
  }

  private static DatabaseClient.GenericExecuteSpec bind(
      DatabaseClient.GenericExecuteSpec spec, Map<String, Object> binds) {
    for (Map.Entry<String, Object> bind : binds.entrySet()) {
      spec = spec.bind(bind.getKey(), bind.getValue());
    }
    return spec;
  }

  /**
   * A checked search: its parameters and the conditions on {@code vital_reading} they make (null:
   * none match).
   */
  private record Selection(VitalQuery query, String where, Map<String, Object> binds) {}

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
                + " and "
                + DEVICE_READINGS
                + " order by reading_id limit 1")
        .bind("patient", parsed.patientId())
        .bind("time", utc(parsed.effectiveTime()))
        .bind("next", utc(parsed.effectiveTime().plusMillis(1)))
        .bind("code", parsed.code())
        .map(StoredReading::of)
        .one();
  }

  /**
   * The newest {@code max} device readings of each code (all stored codes when {@code codes} is
   * null), ordered by code and newest first, over the patient's whole history. When the patient has
   * {@code max} 1-minute windows of a code, the oldest of them bounds the readings from below (each
   * window holds at least one reading); otherwise (back-filled readings, which the stream does not
   * aggregate, or fewer readings than {@code max}) the code's readings are read newest first from
   * the patient's index until {@code max} are found, which for a code the patient has no reading of
   * reads the patient's readings once. A window-bounded code that comes up short (its windows also
   * count readings of API writes, which are left out here) is read again without the bound.
   * Readings dated after the database's clock are left out until their time, so that one dated
   * ahead never hides the newest real reading.
   */
  Flux<StoredReading> lastn(String patientId, List<String> codes, int max) {
    return Visibility.current(Interaction.SEARCH)
        .filter(visibility -> visibility.seesPatient("Observation", patientId))
        .flatMapMany(visible -> lastnQuery(patientId, codes, max));
  }

  private Flux<StoredReading> lastnQuery(String patientId, List<String> codes, int max) {
    String[] asked = codes == null ? ALL_CODES : codes.toArray(String[]::new);
    return lastnRows(patientId, asked, max, true)
        .collectList()
        .flatMapMany(
            rows -> {
              // a window bound is exact only when the windows' readings are all device readings:
              // a bounded code that came up short is read again without it
              Map<String, Integer> found = new HashMap<>();
              Set<String> bounded = new HashSet<>();
              for (LastnRow row : rows) {
                found.merge(row.code(), row.reading() == null ? 0 : 1, Integer::sum);
                if (row.bounded()) {
                  bounded.add(row.code());
                }
              }
              List<String> again =
                  bounded.stream().filter(code -> found.get(code) < max).sorted().toList();
              Flux<StoredReading> kept =
                  Flux.fromIterable(rows)
                      .filter(row -> row.reading() != null && !again.contains(row.code()))
                      .map(LastnRow::reading);
              if (again.isEmpty()) {
                return kept;
              }
              Flux<StoredReading> reread =
                  lastnRows(patientId, again.toArray(String[]::new), max, false)
                      .filter(row -> row.reading() != null)
                      .map(LastnRow::reading);
              return Flux.concat(kept, reread).sort(LASTN_ORDER);
            });
  }

  /**
   * The newest {@code max} device readings of each code, bounded by the windows when {@code
   * useWindows}; a code without readings gives one row without a reading.
   */
  private Flux<LastnRow> lastnRows(String patientId, String[] codes, int max, boolean useWindows) {
    return database
        .sql(
            """
        select c.code as asked_code, b.since > cast('-infinity' as timestamptz) as bounded, r.*
          from unnest(cast(:codes as text[])) as c(code)
          cross join lateral (
            select coalesce(case when :windows and count(*) = :max then min(w.window_start) end,
                            cast('-infinity' as timestamptz)) as since from (
              select window_start from vital_aggregate_1m
               where patient_id = :patient and code = c.code and window_start <= now()
               order by window_start desc limit :max) w) b
          left join lateral (
            select distinct on (v.effective_time) v.patient_id, v.code, v.effective_time, v.value, v.unit,
                   v.device_id, v.reading_id, v.stored_at
              from vital_reading v
             where v.patient_id = :patient and v.code = c.code and v.effective_time >= b.since
               and v.effective_time <= now() and v.reading_id not like 'Observation/%'
             order by v.effective_time desc, v.reading_id
             limit :max) r on true
         order by c.code, r.effective_time desc""")
        .bind("codes", codes)
        .bind("patient", patientId)
        .bind("max", max)
        .bind("windows", useWindows)
        .map(
            row ->
                new LastnRow(
                    row.get("asked_code", String.class),
                    Boolean.TRUE.equals(row.get("bounded", Boolean.class)),
                    row.get("patient_id", String.class) == null ? null : StoredReading.of(row)))
        .all();
  }

  /**
   * A {@code $lastn} row of {@code code}: a reading, or null when the code has none; and whether a
   * window bounded the code's readings.
   */
  private record LastnRow(String code, boolean bounded, StoredReading reading) {}

  /** A stored resource's FHIR JSON as a resource (stored JSON is valid: parsed as written). */
  Resource parse(String json) {
    return (Resource) fhir.newJsonParser().parseResource(json);
  }

  /** FHIR JSON of a resource (a parser is cheap and not thread-safe: one per call). */
  String encode(IBaseResource resource) {
    return fhir.newJsonParser().encodeResourceToString(resource);
  }

  private static OffsetDateTime utc(Instant instant) {
    return instant.atOffset(ZoneOffset.UTC);
  }
}
