package io.vitalflow.fhir.everything;

import io.vitalflow.fhir.search.PatientCompartment;
import io.vitalflow.fhir.search.Visibility;
import io.vitalflow.web.security.Interaction;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Repository;
import reactor.core.publisher.Mono;

/**
 * The stored part of {@code Patient/[id]/$everything}: the current, not deleted resources of the
 * patient's R4 compartment ({@link PatientCompartment}, the Patient itself first), of the asked
 * types, updated since an instant, one page at a time in a stable order. Limited to what the
 * request's caller may read ({@link Visibility}, the same condition as every other read).
 *
 * <p>The compartment test is a JSON path over each stored resource of a member type (there is no
 * index by patient reference), so a call reads every stored resource of the asked types once: fine
 * for a record, slow for a store of millions; {@code _type} narrows it.
 */
@Repository
public class PatientEverything {

  private final DatabaseClient database;

  public PatientEverything(DatabaseClient database) {
    this.database = database;
  }

  /** One page of the compartment plus the number of all its resources. */
  public record Page(List<String> resources, long total) {}

  /**
   * @param types the resource types to return, all members of the patient compartment when empty
   */
  public Mono<Page> page(
      String patient, Collection<String> types, Instant since, int count, int offset) {
    Set<String> asked = new TreeSet<>(types.isEmpty() ? PatientCompartment.memberTypes() : types);
    asked.retainAll(PatientCompartment.memberTypes());
    if (asked.isEmpty()) {
      return Mono.just(new Page(List.of(), 0));
    }
    return Visibility.current(Interaction.READ)
        .flatMap(
            visibility -> {
              Map<String, Object> binds = new LinkedHashMap<>();
              java.util.function.Function<Object, String> bind =
                  value -> {
                    String name = "p" + binds.size();
                    binds.put(name, value);
                    return ":" + name;
                  };
              List<String> where = new ArrayList<>();
              where.add("not r.deleted");
              where.add("r.res_type = any(" + bind.apply(asked.toArray(String[]::new)) + ")");
              where.add("r.last_updated >= " + bind.apply(since.atOffset(ZoneOffset.UTC)));
              where.add(PatientCompartment.sqlAnyOf("r", asked, patient, bind));
              String visible = visibility.whereAnyOf("r", asked, bind);
              if (visible != null) {
                where.add(visible);
              }
              String from = " from fhir_resource r where " + String.join(" and ", where);
              Mono<Long> total =
                  bindAll(database.sql("select count(*) as n" + from), binds)
                      .map(row -> row.get("n", Long.class))
                      .one();
              Mono<List<String>> page =
                  count == 0
                      ? Mono.just(List.of())
                      : bindAll(
                              database.sql(
                                  "select r.resource"
                                      + from
                                      + " order by (r.res_type <> 'Patient'), r.res_type,"
                                      + " r.last_updated, r.res_id limit "
                                      + count
                                      + " offset "
                                      + offset),
                              binds)
                          .map(row -> row.get("resource", String.class))
                          .all()
                          .collectList();
              return Mono.zip(page, total).map(t -> new Page(t.getT1(), t.getT2()));
            });
  }

  private static DatabaseClient.GenericExecuteSpec bindAll(
      DatabaseClient.GenericExecuteSpec spec, Map<String, Object> binds) {
    for (Map.Entry<String, Object> bind : binds.entrySet()) {
      spec = spec.bind(bind.getKey(), bind.getValue());
    }
    return spec;
  }
}
