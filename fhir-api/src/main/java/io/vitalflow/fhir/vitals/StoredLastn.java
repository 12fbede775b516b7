package io.vitalflow.fhir.vitals;

import io.vitalflow.fhir.search.Visibility;
import io.vitalflow.web.security.Interaction;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Flux;

/**
 * The {@code $lastn} part of the resource store: the newest {@code max} Observations of one patient
 * per code (system and code of each coding), from the search index. Observations without a date
 * sort last within their code.
 */
@Component
class StoredLastn {

  private final DatabaseClient database;

  StoredLastn(DatabaseClient database) {
    this.database = database;
  }

  /**
   * One stored Observation as a {@code $lastn} entry of the group {@code system|code}.
   *
   * @param date the latest instant its date covers, or null
   */
  record Entry(String system, String code, String id, String json, Instant date) {}

  /**
   * @param categories tokens of the category parameter (OR), or empty for every category
   * @param codes tokens of the code parameter (OR), or empty for every code
   */
  Flux<Entry> lastn(String patientId, List<Token> categories, List<Token> codes, int max) {
    return Visibility.current(Interaction.SEARCH)
        .filter(visibility -> visibility.seesPatient("Observation", patientId))
        .flatMapMany(visibility -> query(visibility, patientId, categories, codes, max));
  }

  private Flux<Entry> query(
      Visibility visibility, String patientId, List<Token> categories, List<Token> codes, int max) {
    Map<String, Object> binds = new HashMap<>();
    StringBuilder sql =
        new StringBuilder(
            """
        with matched as (
          select r.res_id, r.resource,
                 (select max(d.high) from fhir_search_date d
                   where d.res_type = 'Observation' and d.res_id = r.res_id and d.param = 'date') as date
            from fhir_resource r
           where r.res_type = 'Observation' and not r.deleted
             and exists (select 1 from fhir_search_reference p
                          where p.res_type = 'Observation' and p.res_id = r.res_id and p.param = 'patient'
                            and p.target_type = 'Patient' and p.target_id = :patient)""");
    binds.put("patient", patientId);
    if (!categories.isEmpty()) {
      sql.append(
              "\n and exists (select 1 from fhir_search_token c where c.res_type = 'Observation'"
                  + " and c.res_id = r.res_id and c.param = 'category' and (")
          .append(tokens("c", categories, binds))
          .append("))");
    }
    String visible = visibility.where("r", "Observation", value -> bind(binds, value));
    if (visible != null) {
      sql.append("\n and ").append(visible);
    }
    sql.append(
        """
        ),
        coded as (
          select m.res_id, m.resource, m.date, t.system, t.code,
                 row_number() over (partition by t.system, t.code
                                    order by m.date desc nulls last, m.res_id) as n
            from matched m
            join fhir_search_token t
              on t.res_type = 'Observation' and t.res_id = m.res_id and t.param = 'code'""");
    if (!codes.isEmpty()) {
      sql.append("\n where (").append(tokens("t", codes, binds)).append(')');
    }
    sql.append(
        """
        )
        select res_id, resource, date, system, code from coded where n <= :max
         order by code, system, date desc nulls last, res_id""");
    binds.put("max", max);
    DatabaseClient.GenericExecuteSpec spec = database.sql(sql.toString());
    for (Map.Entry<String, Object> bind : binds.entrySet()) {
      spec = spec.bind(bind.getKey(), bind.getValue());
    }
    return spec.map(
            row -> {
              OffsetDateTime date = row.get("date", OffsetDateTime.class);
              return new Entry(
                  row.get("system", String.class),
                  row.get("code", String.class),
                  row.get("res_id", String.class),
                  row.get("resource", String.class),
                  date == null ? null : date.toInstant());
            })
        .all();
  }

  /** {@code (system = ? and code = ?) or ...} over the token rows aliased {@code alias}. */
  private static String tokens(String alias, List<Token> tokens, Map<String, Object> binds) {
    List<String> alternatives = new ArrayList<>();
    for (Token token : tokens) {
      String code = alias + ".code = " + bind(binds, token.code());
      if (token.system() == null) {
        alternatives.add(code);
      } else if (token.system().isEmpty()) {
        alternatives.add("(" + alias + ".system is null and " + code + ")");
      } else {
        alternatives.add(
            "(" + alias + ".system = " + bind(binds, token.system()) + " and " + code + ")");
      }
    }
    return String.join(" or ", alternatives);
  }

  private static String bind(Map<String, Object> binds, Object value) {
    String name = "b" + binds.size();
    binds.put(name, value);
    return ":" + name;
  }

  /**
   * A token parameter value: {@code code}, {@code system|code} or {@code |code}.
   *
   * @param system null for any system, empty for none
   */
  record Token(String system, String code) {

    static Token parse(String value) {
      int bar = value.indexOf('|');
      return bar < 0
          ? new Token(null, value)
          : new Token(value.substring(0, bar), value.substring(bar + 1));
    }

    boolean matches(String otherSystem, String otherCode) {
      return code.equals(otherCode)
          && (system == null
              || system.isEmpty() && otherSystem == null
              || system.equals(otherSystem));
    }
  }
}
