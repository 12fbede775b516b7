package io.vitalflow.fhir.search;

import io.vitalflow.web.security.Caller;
import io.vitalflow.web.security.Callers;
import io.vitalflow.web.security.Interaction;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/**
 * FHIR R4 search over the current, non-deleted resources in {@code fhir_resource} and the search
 * index tables {@link SearchIndexWriter} fills. The returned monos fail with {@link
 * InvalidSearchException} for malformed searches (and unknown parameters under strict handling).
 */
@Component
public final class ResourceSearch {

  private static final Set<String> ALL_TYPES =
      Set.copyOf(ca.uhn.fhir.context.FhirContext.forR4Cached().getResourceTypes());

  private final DatabaseClient database;
  private final Clock clock;

  @Autowired
  public ResourceSearch(DatabaseClient database) {
    this(database, Clock.systemUTC());
  }

  ResourceSearch(DatabaseClient database, Clock clock) {
    this.database = database;
    this.clock = clock;
  }

  /**
   * One page of matches, the resources they {@code _include}, and the total when it is cheap or
   * asked for.
   */
  public Mono<SearchResult> search(SearchRequest request) {
    return Callers.current().flatMap(caller -> search(request, caller));
  }

  /**
   * {@link #search} as {@code caller} sees it: matches limited by its search {@link Visibility},
   * included resources by its read visibility.
   */
  private Mono<SearchResult> search(SearchRequest asked, Caller caller) {
    Projection projection = Projection.of(asked.parameters());
    // _summary=count: no page, the accurate total
    SearchRequest request =
        projection.countOnly()
            ? new SearchRequest(
                asked.resourceType(), asked.parameters(), 0, asked.offset(), asked.strict())
            : asked;
    Visibility readable = Visibility.of(caller, Interaction.READ);
    return Mono.fromCallable(
            () ->
                SearchQuery.compile(
                    request.resourceType(),
                    request.parameters(),
                    request.strict(),
                    clock.instant(),
                    Visibility.of(caller, Interaction.SEARCH)))
        .flatMap(
            query ->
                page(query, request)
                    .flatMap(
                        rows -> {
                          int count = request.count();
                          boolean fetchedMore = rows.size() > count;
                          List<Match> matches = fetchedMore ? rows.subList(0, count) : rows;
                          Mono<Optional<Long>> total =
                              total(query, request, matches.size(), fetchedMore);
                          Mono<List<String>> includes = includes(query, matches, readable);
                          return Mono.zip(total, includes)
                              .map(
                                  both -> {
                                    Long totalValue = both.getT1().orElse(null);
                                    // _count=0 and _summary=count answer the total only: a
                                    // next page of no entries would be this page again
                                    boolean hasMore = count > 0 && fetchedMore;
                                    return new SearchResult(
                                        matches.stream()
                                            .map(match -> projection.apply(match.resource()))
                                            .toList(),
                                        both.getT2(),
                                        totalValue,
                                        hasMore,
                                        query.ignored());
                                  });
                        }));
  }

  /**
   * The ids of up to {@code limit} current resources matching {@code parameters}, for conditional
   * create, update and references. Strict: an unknown parameter is an error, not a
   * match-everything.
   */
  public Mono<List<String>> findIds(
      String resourceType, Map<String, List<String>> parameters, int limit) {
    if (limit < 1) {
      return Mono.error(new IllegalArgumentException("limit must be positive"));
    }
    return Visibility.current(Interaction.SEARCH)
        .map(
            visibility ->
                SearchQuery.compile(resourceType, parameters, true, clock.instant(), visibility))
        .flatMap(
            query ->
                bindAll(
                        database.sql(
                            "select r.res_id from fhir_resource r where "
                                + query.where()
                                + " order by "
                                + SearchQuery.DEFAULT_ORDER
                                + " limit "
                                + query.bind(limit)),
                        query.binds())
                    .map(row -> row.get("res_id", String.class))
                    .all()
                    .collectList());
  }

  /**
   * The parameters {@link #search} understands for {@code resourceType}, {@code _id} and {@code
   * _lastUpdated} first.
   */
  public List<SearchParameterInfo> supportedParameters(String resourceType) {
    List<SearchParameterInfo> all = new ArrayList<>();
    all.add(
        new SearchParameterInfo(
            "_id", SearchParameterInfo.Type.TOKEN, "Logical id of the resource"));
    all.add(
        new SearchParameterInfo(
            "_lastUpdated", SearchParameterInfo.Type.DATE, "When the resource last changed"));
    all.addAll(SearchParameters.infos(resourceType));
    return List.copyOf(all);
  }

  /**
   * The {@code _revinclude} values a search of {@code resourceType} takes ({@code Source:param}),
   * sorted.
   */
  public List<String> supportedRevIncludes(String resourceType) {
    return SearchParameters.revIncludes(resourceType);
  }

  private Mono<List<Match>> page(SearchQuery query, SearchRequest request) {
    if (request.count() == 0) {
      return Mono.just(List.of());
    }
    Map<String, Object> binds = new LinkedHashMap<>(query.binds());
    binds.put("pageLimit", request.count() + 1L);
    binds.put("pageOffset", (long) request.offset());
    return bindAll(database.sql(pageSql(query)), binds)
        .map(row -> new Match(row.get("res_id", String.class), row.get("resource", String.class)))
        .all()
        .collectList();
  }

  /** The page query; binds {@code pageLimit} and {@code pageOffset} besides the query's own. */
  static String pageSql(SearchQuery query) {
    return "select r.res_id, r.resource from fhir_resource r where "
        + query.where()
        + " order by "
        + query.orderBy()
        + " limit :pageLimit offset :pageOffset";
  }

  static String countSql(SearchQuery query) {
    return "select count(*) as total from fhir_resource r where " + query.where();
  }

  private Mono<Optional<Long>> total(
      SearchQuery query, SearchRequest request, int size, boolean fetchedMore) {
    if (query.total() == SearchQuery.TotalMode.NONE) {
      return Mono.just(Optional.empty());
    }
    if (query.total() == SearchQuery.TotalMode.ACCURATE || request.count() == 0) {
      String sql = countSql(query);
      return bindAll(database.sql(sql), usedBy(sql, query.binds()))
          .map(row -> row.get("total", Long.class))
          .one()
          .map(Optional::of);
    }
    if (!fetchedMore && (size > 0 || request.offset() == 0)) {
      return Mono.just(Optional.of((long) request.offset() + size));
    }
    return Mono.just(Optional.empty());
  }

  /**
   * The distinct current targets of the {@code _include}d references of this page's matches, then
   * the resources that {@code _revinclude} names as referencing them.
   */
  private Mono<List<String>> includes(
      SearchQuery query, List<Match> matches, Visibility visibility) {
    Mono<List<String>> once =
        forward(query, matches, visibility)
            .zipWith(
                reverse(query, matches, visibility),
                (forward, reverse) -> {
                  List<String> all = new ArrayList<>(forward);
                  all.addAll(reverse);
                  return all;
                });
    if (query.iterates().isEmpty() || matches.isEmpty()) {
      return once;
    }
    Set<String> seen = new java.util.HashSet<>();
    List<Row> frontier = new ArrayList<>();
    for (Match match : matches) {
      seen.add(query.resourceType() + "/" + match.id());
      frontier.add(new Row(query.resourceType(), match.id(), null));
    }
    return once.flatMap(
        first ->
            iterate(query.iterates(), frontier, seen, visibility, 0)
                .map(
                    more -> {
                      Set<String> json = new java.util.LinkedHashSet<>(first);
                      more.forEach(row -> json.add(row.resource()));
                      return List.copyOf(json);
                    }));
  }

  /** A resource found by an {@code :iterate} spec. */
  private record Row(String type, String id, String resource) {}

  /**
   * Applies every {@code :iterate} spec to {@code frontier}, then to what that found, at most
   * {@link SearchQuery#MAX_ITERATIONS} + 1 rounds; each resource once, never a match again.
   */
  private Mono<List<Row>> iterate(
      List<SearchQuery.Iterate> specs,
      List<Row> frontier,
      Set<String> seen,
      Visibility visibility,
      int round) {
    if (frontier.isEmpty() || round > SearchQuery.MAX_ITERATIONS) {
      return Mono.just(List.of());
    }
    return reactor.core.publisher.Flux.fromIterable(specs)
        .concatMap(spec -> iterateOnce(spec, frontier, visibility))
        .collectList()
        .flatMap(
            found -> {
              List<Row> fresh = new ArrayList<>();
              for (Row row : found) {
                if (seen.add(row.type() + "/" + row.id())) {
                  fresh.add(row);
                }
              }
              return iterate(specs, fresh, seen, visibility, round + 1)
                  .map(
                      later -> {
                        List<Row> all = new ArrayList<>(fresh);
                        all.addAll(later);
                        return all;
                      });
            });
  }

  private reactor.core.publisher.Flux<Row> iterateOnce(
      SearchQuery.Iterate spec, List<Row> frontier, Visibility visibility) {
    Map<String, Object> binds = new LinkedHashMap<>();
    Function<Object, String> bind =
        value -> {
          String name = "v" + binds.size();
          binds.put(name, value);
          return ":" + name;
        };
    String sql;
    if (!spec.reverse()) {
      String[] ids =
          frontier.stream()
              .filter(row -> row.type().equals(spec.sourceType()))
              .map(Row::id)
              .toArray(String[]::new);
      if (ids.length == 0) {
        return reactor.core.publisher.Flux.empty();
      }
      Set<String> targetTypes = new TreeSet<>();
      if (spec.targetType() != null) {
        targetTypes.add(spec.targetType());
      } else {
        targetTypes.addAll(spec.targets().isEmpty() ? ALL_TYPES : spec.targets());
      }
      String source = bind.apply(spec.sourceType());
      String idArray = bind.apply(ids);
      String param = bind.apply(spec.param());
      String target =
          spec.targetType() == null ? "" : " and x.target_type = " + bind.apply(spec.targetType());
      String visible = visibility.whereAnyOf("t", targetTypes, bind);
      sql =
          "select t.res_type, t.res_id, t.resource from fhir_resource t where not t.deleted and"
              + " (t.res_type, t.res_id) in (select x.target_type, x.target_id from"
              + " fhir_search_reference x where x.res_type = "
              + source
              + " and x.res_id = any("
              + idArray
              + ") and x.param = "
              + param
              + target
              + ")"
              + (visible == null ? "" : " and " + visible);
    } else {
      List<String> selects = new ArrayList<>();
      Map<String, List<String>> byType = new java.util.TreeMap<>();
      for (Row row : frontier) {
        if (spec.targets().isEmpty() || spec.targets().contains(row.type())) {
          byType.computeIfAbsent(row.type(), k -> new ArrayList<>()).add(row.id());
        }
      }
      if (byType.isEmpty()) {
        return reactor.core.publisher.Flux.empty();
      }
      String source = bind.apply(spec.sourceType());
      String param = bind.apply(spec.param());
      for (Map.Entry<String, List<String>> group : byType.entrySet()) {
        selects.add(
            "(x.target_type = "
                + bind.apply(group.getKey())
                + " and x.target_id = any("
                + bind.apply(group.getValue().toArray(String[]::new))
                + "))");
      }
      String visible = visibility.where("t", spec.sourceType(), bind);
      sql =
          "select t.res_type, t.res_id, t.resource from fhir_resource t where t.res_type = "
              + source
              + " and not t.deleted and t.res_id in (select x.res_id from fhir_search_reference x"
              + " where x.res_type = "
              + source
              + " and x.param = "
              + param
              + " and ("
              + String.join(" or ", selects)
              + "))"
              + (visible == null ? "" : " and " + visible);
    }
    return bindAll(database.sql(sql + " order by t.res_type, t.res_id"), binds)
        .map(
            row ->
                new Row(
                    row.get("res_type", String.class),
                    row.get("res_id", String.class),
                    row.get("resource", String.class)))
        .all();
  }

  private Mono<List<String>> reverse(
      SearchQuery query, List<Match> matches, Visibility visibility) {
    if (query.revincludes().isEmpty() || matches.isEmpty()) {
      return Mono.just(List.of());
    }
    Map<String, Object> binds = matchBinds(query, matches);
    return resources(revincludeSql(query.revincludes(), binds, visibility), binds);
  }

  /** The binds {@code type} and {@code ids} of the matches, that include queries start from. */
  private static Map<String, Object> matchBinds(SearchQuery query, List<Match> matches) {
    Map<String, Object> binds = new LinkedHashMap<>();
    binds.put("type", query.resourceType());
    binds.put("ids", matches.stream().map(Match::id).toArray(String[]::new));
    return binds;
  }

  /** The {@code resource} column of every row {@code sql} selects. */
  private Mono<List<String>> resources(String sql, Map<String, Object> binds) {
    return bindAll(database.sql(sql), binds)
        .map(row -> row.get("resource", String.class))
        .all()
        .collectList();
  }

  /**
   * The resources of each {@code _revinclude}'s source type whose reference parameter points at one
   * of the ids bound as {@code ids} of type {@code type}, each limited by {@code visibility}.
   */
  static String revincludeSql(
      List<SearchQuery.RevInclude> revincludes, Map<String, Object> binds, Visibility visibility) {
    List<String> selects = new ArrayList<>();
    for (SearchQuery.RevInclude revinclude : revincludes) {
      Function<Object, String> bind =
          value -> {
            String name = "v" + binds.size();
            binds.put(name, value);
            return ":" + name;
          };
      String source = bind.apply(revinclude.sourceType());
      String param = bind.apply(revinclude.param());
      String visible = visibility.where("t", revinclude.sourceType(), bind);
      selects.add(
          "select t.res_type, t.res_id, t.resource from fhir_resource t where t.res_type = "
              + source
              + " and not t.deleted and t.res_id in (select x.res_id from fhir_search_reference x"
              + " where x.res_type = "
              + source
              + " and x.param = "
              + param
              + " and x.target_type = :type and x.target_id = any(:ids))"
              + (visible == null ? "" : " and " + visible));
    }
    return "select distinct u.res_type, u.res_id, u.resource from ("
        + String.join(" union ", selects)
        + ") u order by u.res_type, u.res_id";
  }

  private Mono<List<String>> forward(
      SearchQuery query, List<Match> matches, Visibility visibility) {
    if (query.includes().isEmpty() || matches.isEmpty()) {
      return Mono.just(List.of());
    }
    Map<String, Object> binds = matchBinds(query, matches);
    return resources(includeSql(query.includes(), binds, visibility), binds);
  }

  /**
   * The include query over the ids bound as {@code ids} of resources of type {@code type}; adds the
   * bind values of the include parameters to {@code binds}.
   */
  static String includeSql(List<SearchQuery.Include> includes, Map<String, Object> binds) {
    return includeSql(includes, binds, Visibility.EVERYTHING);
  }

  /**
   * {@link #includeSql(List, Map)} limited to the targets {@code visibility} shows: of a type the
   * caller may read, and inside the patient compartment when only {@code patient/} scopes allow it.
   */
  static String includeSql(
      List<SearchQuery.Include> includes, Map<String, Object> binds, Visibility visibility) {
    Set<String> targetTypes = new TreeSet<>();
    for (SearchQuery.Include include : includes) {
      if (include.targetType() != null) {
        targetTypes.add(include.targetType());
      } else {
        targetTypes.addAll(include.targets());
      }
    }
    if (targetTypes.isEmpty()) {
      targetTypes.addAll(ALL_TYPES);
    }
    String visible =
        visibility.whereAnyOf(
            "t",
            targetTypes,
            value -> {
              String name = "v" + binds.size();
              binds.put(name, value);
              return ":" + name;
            });
    List<String> conditions = new ArrayList<>();
    for (SearchQuery.Include include : includes) {
      String param = "p" + binds.size();
      binds.put(param, include.param());
      if (include.targetType() == null) {
        conditions.add("x.param = :" + param);
      } else {
        String target = "p" + binds.size();
        binds.put(target, include.targetType());
        conditions.add("(x.param = :" + param + " and x.target_type = :" + target + ")");
      }
    }
    return "select t.resource from fhir_resource t where not t.deleted and (t.res_type, t.res_id) in"
        + " (select x.target_type, x.target_id from fhir_search_reference x where x.res_type = :type"
        + " and x.res_id = any(:ids) and ("
        + String.join(" or ", conditions)
        + "))"
        + (visible == null ? "" : " and " + visible)
        + " order by t.res_type, t.res_id";
  }

  private static DatabaseClient.GenericExecuteSpec bindAll(
      DatabaseClient.GenericExecuteSpec spec, Map<String, Object> binds) {
    DatabaseClient.GenericExecuteSpec bound = spec;
    for (Map.Entry<String, Object> bind : binds.entrySet()) {
      bound = bound.bind(bind.getKey(), bind.getValue());
    }
    return bound;
  }

  /**
   * The binds {@code sql} names: the count leaves out the order, whose {@code _sort} values are
   * binds too, and the driver refuses a bind without its placeholder.
   */
  static Map<String, Object> usedBy(String sql, Map<String, Object> binds) {
    Map<String, Object> used = new LinkedHashMap<>();
    binds.forEach(
        (name, value) -> {
          if (names(sql, name)) {
            used.put(name, value);
          }
        });
    return used;
  }

  /** Whether {@code sql} has the placeholder {@code :name} (not only a longer name it begins). */
  private static boolean names(String sql, String name) {
    String placeholder = ":" + name;
    for (int at = sql.indexOf(placeholder); at >= 0; at = sql.indexOf(placeholder, at + 1)) {
      int end = at + placeholder.length();
      if (end == sql.length() || !isNameChar(sql.charAt(end))) {
        return true;
      }
    }
    return false;
  }

  private static boolean isNameChar(char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
  }

  private record Match(String id, String resource) {}
}
