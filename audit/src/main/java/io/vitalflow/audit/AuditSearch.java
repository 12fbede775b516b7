package io.vitalflow.audit;

import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.springframework.r2dbc.core.DatabaseClient;
import reactor.core.publisher.Mono;

/**
 * Searches {@code audit_event} over R2DBC (the FHIR server's {@code GET /fhir/AuditEvent}); see
 * {@link AuditQuery} for the parameters. Pages by keyset on (recorded, id), so a page is stable
 * while new events arrive. Who may search is the caller's business (an audit scope).
 */
public final class AuditSearch {

  private final DatabaseClient database;
  private final int defaultPageSize;
  private final int maxPageSize;

  public AuditSearch(DatabaseClient database, int defaultPageSize, int maxPageSize) {
    if (defaultPageSize < 1 || maxPageSize < defaultPageSize) {
      throw new IllegalArgumentException("page sizes must be 1 <= default <= max");
    }
    this.database = database;
    this.defaultPageSize = defaultPageSize;
    this.maxPageSize = maxPageSize;
  }

  /**
   * {@link AuditQuery#parse} and {@link #search(AuditQuery)}: a bad parameter is an error signal
   * with {@link InvalidAuditQueryException}.
   */
  public Mono<AuditPage> search(Map<String, ? extends List<String>> parameters) {
    return Mono.fromCallable(() -> AuditQuery.parse(parameters)).flatMap(this::search);
  }

  public Mono<AuditPage> search(AuditQuery query) {
    int size = query.count == null ? defaultPageSize : Math.min(query.count, maxPageSize);
    StringBuilder sql =
        new StringBuilder(
            "select recorded, id, service, action, subtype, outcome, status, agent_subject,"
                + " client_id, source_address, patient_ids, entity_refs, request_id"
                + " from audit_event where true");
    Map<String, Object> binds = new HashMap<>();
    int n = 0;
    for (Set<String> patients : query.patients) {
      String name = "p" + n++;
      sql.append(" and patient_ids && :").append(name);
      binds.put(name, patients.toArray(new String[0]));
    }
    for (Set<String> agents : query.agents) {
      String name = "a" + n++;
      sql.append(" and (agent_subject = any(:")
          .append(name)
          .append(") or client_id = any(:")
          .append(name)
          .append("))");
      binds.put(name, agents.toArray(new String[0]));
    }
    for (AuditQuery.DateBound date : query.dates) {
      String name = "d" + n++;
      sql.append(" and recorded ").append(date.operator()).append(" :").append(name);
      binds.put(name, OffsetDateTime.ofInstant(date.instant(), ZoneOffset.UTC));
    }
    for (Set<String> actions : query.actions) {
      String name = "c" + n++;
      sql.append(" and action = any(:").append(name).append(")");
      binds.put(name, actions.toArray(new String[0]));
    }
    for (Set<Short> outcomes : query.outcomes) {
      String name = "o" + n++;
      sql.append(" and outcome = any(:").append(name).append(")");
      binds.put(name, outcomes.toArray(new Short[0]));
    }
    for (Set<String> subtypes : query.subtypes) {
      String name = "s" + n++;
      sql.append(" and subtype = any(:").append(name).append(")");
      binds.put(name, subtypes.toArray(new String[0]));
    }
    if (query.cursor != null) {
      sql.append(" and (recorded, id) < (:cursorRecorded, :cursorId)");
      binds.put(
          "cursorRecorded", OffsetDateTime.ofInstant(query.cursor.recorded(), ZoneOffset.UTC));
      binds.put("cursorId", query.cursor.id());
    }
    sql.append(" order by recorded desc, id desc limit ").append(size + 1);
    DatabaseClient.GenericExecuteSpec spec = database.sql(sql.toString());
    for (var bind : binds.entrySet()) {
      spec = spec.bind(bind.getKey(), bind.getValue());
    }
    return spec.map((row, meta) -> row(row)).all().collectList().map(rows -> page(rows, size));
  }

  private record Row(OffsetDateTime recorded, UUID id, AuditRecord record) {}

  /**
   * A stored event: the record its columns hold (the sink stored every column of the record it
   * read), whose AuditEvent is the document that was produced ({@link AuditEvents#toJson}).
   */
  private static Row row(io.r2dbc.spi.Row row) {
    OffsetDateTime recorded = row.get("recorded", OffsetDateTime.class);
    UUID id = row.get("id", UUID.class);
    AuditRecord record =
        AuditRecord.builder(
                row.get("service", String.class),
                AuditSubtype.ofCode(row.get("subtype", String.class)))
            .id(id)
            .recorded(recorded.toInstant())
            .action(AuditAction.ofCode(row.get("action", String.class)))
            .outcome(AuditOutcome.ofCode(row.get("outcome", Short.class)))
            .status(row.get("status", Short.class))
            .agent(row.get("agent_subject", String.class), row.get("client_id", String.class))
            .source(row.get("source_address", String.class))
            .patients(List.of(row.get("patient_ids", String[].class)))
            .entities(List.of(row.get("entity_refs", String[].class)))
            .requestId(row.get("request_id", String.class))
            .build();
    return new Row(recorded, id, record);
  }

  private static AuditPage page(List<Row> rows, int size) {
    List<String> events = new ArrayList<>(Math.min(rows.size(), size));
    for (int i = 0; i < Math.min(rows.size(), size); i++) {
      events.add(AuditEvents.toJson(rows.get(i).record()));
    }
    Optional<String> next = Optional.empty();
    if (rows.size() > size) {
      Row last = rows.get(size - 1);
      next = Optional.of(AuditQuery.cursorOf(last.recorded().toInstant(), last.id()));
    }
    return new AuditPage(events, next);
  }
}
