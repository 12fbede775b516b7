package io.vitalflow.dashboard.ward;

import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.springframework.r2dbc.core.DatabaseClient;
import reactor.core.publisher.Mono;

/**
 * Which ward each patient is on: {@code ward_assignment} in PostgreSQL, mirrored in memory. Changes
 * made here are applied at once; changes by other instances arrive with the periodic {@link
 * #reload()}. Listeners hear of every patient whose ward changed.
 */
public final class WardAssignments {

  /** A patient moved from one ward (or none) to another. */
  public record Move(String patientId, String fromWard, String toWard) {}

  private final DatabaseClient database;
  private final Map<String, String> wardOf = new ConcurrentHashMap<>();
  private final Map<String, Set<String>> byWard = new ConcurrentHashMap<>();
  private final CopyOnWriteArrayList<Consumer<Move>> listeners = new CopyOnWriteArrayList<>();

  public WardAssignments(DatabaseClient database) {
    this.database = database;
  }

  public void onMove(Consumer<Move> listener) {
    listeners.add(listener);
  }

  public String wardOf(String patientId) {
    return wardOf.get(patientId);
  }

  /** The patients on a ward, sorted. */
  public Set<String> patients(String ward) {
    Set<String> patients = byWard.get(ward);
    return patients == null ? Set.of() : new TreeSet<>(patients);
  }

  public Mono<Void> assign(String ward, String patientId) {
    return database
        .sql(
            """
        insert into ward_assignment (patient_id, ward, updated_at) values ($1, $2, $3)
        on conflict (patient_id) do update set ward = excluded.ward, updated_at = excluded.updated_at""")
        .bind(0, patientId)
        .bind(1, ward)
        .bind(2, OffsetDateTime.now(ZoneOffset.UTC))
        .then()
        .doOnSuccess(done -> apply(patientId, ward));
  }

  /** Reads every assignment from PostgreSQL and applies the differences. */
  public Mono<Void> reload() {
    return database
        .sql("select patient_id, ward from ward_assignment")
        .map(
            (row, meta) ->
                Map.entry(row.get("patient_id", String.class), row.get("ward", String.class)))
        .all()
        .collectMap(Map.Entry::getKey, Map.Entry::getValue)
        .doOnNext(
            stored -> {
              stored.forEach(this::apply);
              for (String patientId : Set.copyOf(wardOf.keySet())) {
                if (!stored.containsKey(patientId)) {
                  notifyMove(forget(patientId));
                }
              }
            })
        .then();
  }

  private void apply(String patientId, String ward) {
    notifyMove(put(patientId, ward));
  }

  private synchronized Move put(String patientId, String ward) {
    String from = wardOf.put(patientId, ward);
    if (ward.equals(from)) {
      return null;
    }
    leave(from, patientId);
    byWard.computeIfAbsent(ward, w -> ConcurrentHashMap.newKeySet()).add(patientId);
    return new Move(patientId, from, ward);
  }

  private synchronized Move forget(String patientId) {
    String from = wardOf.remove(patientId);
    leave(from, patientId);
    return from == null ? null : new Move(patientId, from, null);
  }

  private void leave(String ward, String patientId) {
    if (ward != null) {
      byWard.computeIfPresent(
          ward,
          (w, patients) -> {
            patients.remove(patientId);
            return patients.isEmpty() ? null : patients;
          });
    }
  }

  private void notifyMove(Move move) {
    if (move == null) {
      return;
    }
    listeners.forEach(listener -> listener.accept(move));
  }
}
