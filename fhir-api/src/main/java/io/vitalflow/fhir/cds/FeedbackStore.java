package io.vitalflow.fhir.cds;

import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Stores CDS Hooks feedback in {@code cds_feedback} (migration {@code V6__cds_feedback.sql}), one
 * row per item; an item already stored (same service, card, outcome and time: a client retrying) is
 * not stored again.
 */
@Component
final class FeedbackStore {

  private static final String INSERT =
      "insert into cds_feedback (service_id, card_uuid, outcome, outcome_at,"
          + " override_system, override_code, override_display, user_comment, accepted_suggestions)"
          + " values (:service, :card, :outcome, :at, :system, :code, :display, :comment, :suggestions)"
          + " on conflict (service_id, card_uuid, outcome, outcome_at) do nothing";

  private final DatabaseClient database;

  FeedbackStore(DatabaseClient database) {
    this.database = database;
  }

  /**
   * One insert per item, not one transaction: after a partial failure the client's retry stores the
   * rest and nothing twice. Emits how many items were new.
   */
  Mono<Long> save(String serviceId, List<Feedback> items) {
    return Flux.fromIterable(items)
        .concatMap(
            item -> {
              DatabaseClient.GenericExecuteSpec insert =
                  database
                      .sql(INSERT)
                      .bind("service", serviceId)
                      .bind("card", item.card())
                      .bind("outcome", item.outcome())
                      .bind("at", OffsetDateTime.ofInstant(item.outcomeTimestamp(), ZoneOffset.UTC))
                      .bind("suggestions", item.acceptedSuggestions().toArray(new String[0]));
              insert =
                  nullable(insert, "system", item.reason() == null ? null : OverrideReason.SYSTEM);
              insert =
                  nullable(insert, "code", item.reason() == null ? null : item.reason().code());
              insert =
                  nullable(
                      insert, "display", item.reason() == null ? null : item.reason().display());
              insert = nullable(insert, "comment", item.userComment());
              return insert.fetch().rowsUpdated();
            })
        .reduce(0L, Long::sum);
  }

  private static DatabaseClient.GenericExecuteSpec nullable(
      DatabaseClient.GenericExecuteSpec spec, String name, String value) {
    return value == null ? spec.bindNull(name, String.class) : spec.bind(name, value);
  }
}
