package io.vitalflow.fhir.store;

import io.r2dbc.spi.Readable;
import io.vitalflow.fhir.search.Visibility;
import io.vitalflow.web.security.Interaction;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.r2dbc.core.RowsFetchSpec;
import org.springframework.stereotype.Repository;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Reads of the projection over R2DBC: current versions, single versions, history, command outcomes.
 * Every read of resources is limited to what the request's caller may see ({@link Visibility}): the
 * patient compartment of a patient-context token is part of the SQL.
 */
@Repository
public class ResourceStore {

  private static final String COLUMNS =
      "r.res_type, r.res_id, r.version_id, r.last_updated, r.deleted, r.resource";

  private final DatabaseClient database;

  public ResourceStore(DatabaseClient database) {
    this.database = database;
  }

  /**
   * The current version, deleted or not; empty when the resource never existed or the caller of the
   * request may not see it ({@link Visibility}).
   */
  public Mono<StoredResource> current(String type, String id) {
    return Visibility.current(Interaction.READ)
        .flatMap(
            visibility ->
                query(
                        "select "
                            + COLUMNS
                            + " from fhir_resource r where r.res_type = :type and r.res_id = :id",
                        visibility,
                        type,
                        "",
                        Map.of("type", type, "id", id))
                    .one());
  }

  /**
   * The current version whoever asks: for the checks of a write (who owns the resource it would
   * change), never for an answer.
   */
  public Mono<StoredResource> currentAnyPatient(String type, String id) {
    return query(
            "select "
                + COLUMNS
                + " from fhir_resource r where r.res_type = :type and r.res_id = :id",
            Visibility.EVERYTHING,
            type,
            "",
            Map.of("type", type, "id", id))
        .one();
  }

  /** One version, if the caller of the request may see it. */
  public Mono<StoredResource> version(String type, String id, long versionId) {
    return Visibility.current(Interaction.READ)
        .flatMap(
            visibility ->
                query(
                        "select "
                            + COLUMNS
                            + " from fhir_resource_history r where r.res_type = :type and r.res_id = :id"
                            + " and r.version_id = :version",
                        visibility,
                        type,
                        "",
                        Map.of("type", type, "id", id, "version", versionId))
                    .one());
  }

  /** Versions of one resource the caller of the request may see, newest first. */
  public Flux<StoredResource> history(
      String type, String id, Instant since, int limit, int offset) {
    return Visibility.current(Interaction.READ)
        .flatMapMany(
            visibility ->
                query(
                        "select "
                            + COLUMNS
                            + " from fhir_resource_history r where r.res_type = :type and r.res_id = :id"
                            + " and r.last_updated >= :since",
                        visibility,
                        type,
                        " order by r.version_id desc limit :limit offset :offset",
                        Map.of(
                            "type",
                            type,
                            "id",
                            id,
                            "since",
                            since.atOffset(ZoneOffset.UTC),
                            "limit",
                            limit,
                            "offset",
                            offset))
                    .all());
  }

  /** Versions of every resource of a type the caller of the request may see, newest first. */
  public Flux<StoredResource> typeHistory(String type, Instant since, int limit, int offset) {
    return Visibility.current(Interaction.READ)
        .flatMapMany(
            visibility ->
                query(
                        "select "
                            + COLUMNS
                            + " from fhir_resource_history r where r.res_type = :type"
                            + " and r.last_updated >= :since",
                        visibility,
                        type,
                        " order by r.last_updated desc, r.res_id, r.version_id desc"
                            + " limit :limit offset :offset",
                        Map.of(
                            "type",
                            type,
                            "since",
                            since.atOffset(ZoneOffset.UTC),
                            "limit",
                            limit,
                            "offset",
                            offset))
                    .all());
  }

  /**
   * {@code select ... where ...} of rows {@code r}, limited by {@code visibility}, then {@code
   * tail} (order and paging).
   */
  private RowsFetchSpec<StoredResource> query(
      String select, Visibility visibility, String type, String tail, Map<String, Object> binds) {
    Map<String, Object> all = new LinkedHashMap<>(binds);
    String visible =
        visibility.where(
            "r",
            type,
            value -> {
              String name = "v" + all.size();
              all.put(name, value);
              return ":" + name;
            });
    DatabaseClient.GenericExecuteSpec spec =
        database.sql(select + (visible == null ? "" : " and " + visible) + tail);
    for (Map.Entry<String, Object> bind : all.entrySet()) {
      spec = spec.bind(bind.getKey(), bind.getValue());
    }
    return spec.map(ResourceStore::stored);
  }

  /** The recorded outcome of a command, for a waiter that missed its notification. */
  public Mono<WriteOutcome> outcome(String requestId) {
    return database
        .sql(
            """
        select q.request_id, q.status, q.res_type, q.res_id, q.version_id, q.message, h.last_updated, h.deleted
          from fhir_request q
          left join fhir_resource_history h
            on h.res_type = q.res_type and h.res_id = q.res_id and h.version_id = q.version_id
         where q.request_id = $1""")
        .bind(0, requestId)
        .map(
            row ->
                new WriteOutcome(
                    row.get("request_id", String.class),
                    row.get("status", Integer.class),
                    row.get("res_type", String.class),
                    row.get("res_id", String.class),
                    row.get("version_id", Long.class),
                    instantOrNull(row),
                    Boolean.TRUE.equals(row.get("deleted", Boolean.class)),
                    row.get("message", String.class)))
        .one();
  }

  private static Instant instantOrNull(Readable row) {
    OffsetDateTime time = row.get("last_updated", OffsetDateTime.class);
    return time == null ? null : time.toInstant();
  }

  private static StoredResource stored(Readable row) {
    return new StoredResource(
        row.get("res_type", String.class),
        row.get("res_id", String.class),
        row.get("version_id", Long.class),
        row.get("last_updated", OffsetDateTime.class).toInstant(),
        Boolean.TRUE.equals(row.get("deleted", Boolean.class)),
        row.get("resource", String.class));
  }
}
