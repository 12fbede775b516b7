package io.vitalflow.fhir.store;

import io.r2dbc.spi.Readable;
import java.time.Instant;
import java.time.OffsetDateTime;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Repository;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Reads of the projection over R2DBC: current versions, single versions, history, command outcomes.
 */
@Repository
public class ResourceStore {

  private static final String COLUMNS =
      "res_type, res_id, version_id, last_updated, deleted, resource";

  private final DatabaseClient database;

  public ResourceStore(DatabaseClient database) {
    this.database = database;
  }

  /** The current version, deleted or not; empty when the resource never existed. */
  public Mono<StoredResource> current(String type, String id) {
    return database
        .sql("select " + COLUMNS + " from fhir_resource where res_type = $1 and res_id = $2")
        .bind(0, type)
        .bind(1, id)
        .map(ResourceStore::stored)
        .one();
  }

  public Mono<StoredResource> version(String type, String id, long versionId) {
    return database
        .sql(
            "select "
                + COLUMNS
                + " from fhir_resource_history where res_type = $1 and res_id = $2 and version_id = $3")
        .bind(0, type)
        .bind(1, id)
        .bind(2, versionId)
        .map(ResourceStore::stored)
        .one();
  }

  /** Versions of one resource, newest first. */
  public Flux<StoredResource> history(
      String type, String id, Instant since, int limit, int offset) {
    return database
        .sql(
            "select "
                + COLUMNS
                + " from fhir_resource_history where res_type = $1 and res_id = $2"
                + " and last_updated >= $3 order by version_id desc limit $4 offset $5")
        .bind(0, type)
        .bind(1, id)
        .bind(2, since.atOffset(java.time.ZoneOffset.UTC))
        .bind(3, limit)
        .bind(4, offset)
        .map(ResourceStore::stored)
        .all();
  }

  /** Versions of every resource of a type, newest first. */
  public Flux<StoredResource> typeHistory(String type, Instant since, int limit, int offset) {
    return database
        .sql(
            "select "
                + COLUMNS
                + " from fhir_resource_history where res_type = $1"
                + " and last_updated >= $2 order by last_updated desc, res_id, version_id desc limit $3 offset $4")
        .bind(0, type)
        .bind(1, since.atOffset(java.time.ZoneOffset.UTC))
        .bind(2, limit)
        .bind(3, offset)
        .map(ResourceStore::stored)
        .all();
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
