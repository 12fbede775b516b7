package io.vitalflow.fhir.search;

import io.vitalflow.fhir.search.SearchParameterInfo.Type;
import io.vitalflow.fhir.search.SearchParameters.Definition;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A FHIR search translated into SQL over {@code fhir_resource r} and the search index tables: a
 * {@link #where() condition}, an {@link #orderBy() order} and the named bind values they use. Every
 * value of the request is a bind value; only parameter-independent SQL text is concatenated. The
 * parameter syntax (modifiers, alternatives, escapes, prefixes, {@code _sort}, {@code _include},
 * {@code _total}) is read by {@link SearchSyntax}; this class decides what each parameter means for
 * the resource type and builds the SQL.
 */
final class SearchQuery {

  /** Control parameters this class understands or the HTTP layer handles: never "unknown". */
  static final Set<String> CONTROL =
      Set.of(
          "_sort",
          "_include",
          "_total",
          "_summary",
          "_elements",
          "_count",
          "_offset",
          "_format",
          "_pretty");

  static final String DEFAULT_ORDER = "r.last_updated, r.res_id";

  enum TotalMode {
    NONE,
    ESTIMATE,
    ACCURATE
  }

  /**
   * An {@code _include} of the targets of {@code param}; {@code targetType} null = any of the
   * parameter's {@code targets} (empty: any type).
   */
  record Include(String param, String targetType, Set<String> targets) {

    Include(String param, String targetType) {
      this(param, targetType, Set.of());
    }
  }

  private final String resourceType;
  private final boolean strict;
  private final Instant now;
  private final StringBuilder where = new StringBuilder();
  private final Map<String, Object> binds = new LinkedHashMap<>();
  private final List<String> order = new ArrayList<>();
  private final List<Include> includes = new ArrayList<>();
  private final Set<String> ignored = new LinkedHashSet<>();
  private TotalMode total = TotalMode.ESTIMATE;

  private SearchQuery(String resourceType, boolean strict, Instant now) {
    this.resourceType = resourceType;
    this.strict = strict;
    this.now = now;
  }

  /**
   * @param now the reference time for {@code ap}
   * @throws InvalidSearchException for malformed values, and for unknown parameters when {@code
   *     strict}
   */
  static SearchQuery compile(
      String resourceType, Map<String, List<String>> parameters, boolean strict, Instant now) {
    return compile(resourceType, parameters, strict, now, Visibility.EVERYTHING);
  }

  /**
   * A search limited to what {@code visibility} lets the caller see (the patient compartment of a
   * patient-context token): the condition is part of {@link #where()}, so the page, the total and
   * every later page inherit it.
   */
  static SearchQuery compile(
      String resourceType,
      Map<String, List<String>> parameters,
      boolean strict,
      Instant now,
      Visibility visibility) {
    if (resourceType == null || !SearchSyntax.isResourceType(resourceType)) {
      throw new InvalidSearchException("'" + resourceType + "' is not a resource type");
    }
    SearchQuery query = new SearchQuery(resourceType, strict, now);
    query
        .where
        .append("r.res_type = ")
        .append(query.bind(resourceType))
        .append(" and not r.deleted");
    String visible = visibility.where("r", resourceType, query::bind);
    if (visible != null) {
      query.and(visible);
    }
    parameters.forEach(
        (name, values) -> {
          for (String value : values) {
            query.parameter(name, value == null ? "" : value);
          }
        });
    return query;
  }

  /** The condition on {@code fhir_resource r}. */
  String where() {
    return where.toString();
  }

  Map<String, Object> binds() {
    return binds;
  }

  /** The order of matches, ending in {@code r.res_id} so that it is total and pages are stable. */
  String orderBy() {
    if (order.isEmpty()) {
      return DEFAULT_ORDER;
    }
    return String.join(", ", order) + ", r.res_id";
  }

  List<Include> includes() {
    return includes;
  }

  TotalMode total() {
    return total;
  }

  List<String> ignored() {
    return List.copyOf(ignored);
  }

  String resourceType() {
    return resourceType;
  }

  /** Adds a named bind value and returns its placeholder. */
  String bind(Object value) {
    String name = "b" + binds.size();
    binds.put(name, value);
    return ":" + name;
  }

  private void parameter(String rawName, String value) {
    SearchSyntax.Name parsed = SearchSyntax.name(rawName);
    String name = parsed.name();
    String modifier = parsed.modifier();
    switch (name) {
      case "_sort" -> sort(value);
      case "_include" -> include(rawName, modifier, value);
      case "_total" -> total = SearchSyntax.total(value);
      case "_id" -> id(rawName, modifier, value);
      case "_lastUpdated" -> lastUpdated(rawName, modifier, value);
      default -> {
        if (CONTROL.contains(name)) {
          return;
        }
        Definition definition = SearchParameters.find(resourceType, name);
        if (definition == null) {
          unknown(
              rawName,
              "Unknown search parameter '" + rawName + "' for " + resourceType + supported());
          return;
        }
        List<String> alternatives = SearchSyntax.orValues(rawName, value);
        if (alternatives.isEmpty()) {
          return;
        }
        switch (definition.type()) {
          case TOKEN -> token(definition, modifier, alternatives);
          case STRING -> string(definition, modifier, alternatives);
          case DATE -> date(definition, modifier, alternatives);
          case REFERENCE -> reference(definition, modifier, alternatives);
        }
      }
    }
  }

  private String supported() {
    List<String> names = new ArrayList<>(List.of("_id", "_lastUpdated"));
    SearchParameters.of(resourceType).forEach(d -> names.add(d.name()));
    return "; supported: " + String.join(", ", names);
  }

  private void unknown(String rawName, String message) {
    if (strict) {
      throw new InvalidSearchException(message);
    }
    ignored.add(rawName);
  }

  private void and(String condition) {
    where.append(" and ").append(condition);
  }

  private void id(String rawName, String modifier, String value) {
    SearchSyntax.noModifier("_id", modifier);
    List<String> ids = SearchSyntax.orValues(rawName, value);
    if (ids.isEmpty()) {
      return;
    }
    List<String> placeholders = new ArrayList<>();
    for (String id : ids) {
      placeholders.add(bind(id));
    }
    and("r.res_id in (" + String.join(", ", placeholders) + ")");
  }

  private void lastUpdated(String rawName, String modifier, String value) {
    SearchSyntax.noModifier("_lastUpdated", modifier);
    List<String> alternatives = SearchSyntax.orValues(rawName, value);
    if (alternatives.isEmpty()) {
      return;
    }
    List<String> conditions = new ArrayList<>();
    for (String alternative : alternatives) {
      conditions.add(
          dateCondition("_lastUpdated", alternative, "r.last_updated", "r.last_updated"));
    }
    and(or(conditions));
  }

  private void token(Definition definition, String modifier, List<String> alternatives) {
    SearchSyntax.noModifier(definition.name(), modifier);
    List<String> conditions = new ArrayList<>();
    for (String alternative : alternatives) {
      SearchSyntax.Token token = SearchSyntax.token(definition.name(), alternative);
      if (token.system() == null) {
        conditions.add("x.code = " + bind(IndexedValues.truncate(token.code())));
        continue;
      }
      String system = IndexedValues.truncate(token.system());
      String code = IndexedValues.truncate(token.code());
      if (system.isEmpty()) {
        conditions.add("(x.code = " + bind(code) + " and x.system is null)");
      } else if (code.isEmpty()) {
        conditions.add("x.system = " + bind(system));
      } else {
        conditions.add("(x.code = " + bind(code) + " and x.system = " + bind(system) + ")");
      }
    }
    indexed("fhir_search_token", definition, conditions);
  }

  private void string(Definition definition, String modifier, List<String> alternatives) {
    List<String> conditions = new ArrayList<>();
    for (String alternative : alternatives) {
      // the index holds the first 200 characters of each value: compare the same prefix of the
      // search value
      String value = IndexedValues.truncate(SearchSyntax.unescape(alternative));
      String normalised =
          IndexedValues.truncate(SearchIndexer.normalise(SearchSyntax.unescape(alternative)));
      if (modifier == null) {
        String upper = successor(normalised);
        conditions.add(
            upper == null
                ? "x.value ~>=~ " + bind(normalised)
                : "(x.value ~>=~ " + bind(normalised) + " and x.value ~<~ " + bind(upper) + ")");
      } else if (modifier.equals("exact")) {
        conditions.add("(x.value = " + bind(normalised) + " and x.exact = " + bind(value) + ")");
      } else if (modifier.equals("contains")) {
        conditions.add("strpos(x.value, " + bind(normalised) + ") > 0");
      } else {
        throw new InvalidSearchException(
            "Modifier ':"
                + modifier
                + "' is not supported on string parameter '"
                + definition.name()
                + "' (supported: :exact, :contains)");
      }
    }
    indexed("fhir_search_string", definition, conditions);
  }

  private void date(Definition definition, String modifier, List<String> alternatives) {
    SearchSyntax.noModifier(definition.name(), modifier);
    List<String> conditions = new ArrayList<>();
    for (String alternative : alternatives) {
      conditions.add(dateCondition(definition.name(), alternative, "x.low", "x.high"));
    }
    indexed("fhir_search_date", definition, conditions);
  }

  private void reference(Definition definition, String modifier, List<String> alternatives) {
    String typeModifier = null;
    if (modifier != null) {
      if (!SearchSyntax.isResourceType(modifier)
          || (!definition.targets().isEmpty() && !definition.targets().contains(modifier))) {
        throw new InvalidSearchException(
            "Modifier ':"
                + modifier
                + "' is not supported on reference parameter '"
                + definition.name()
                + "'"
                + (definition.targets().isEmpty()
                    ? ""
                    : " (it may name a target type: "
                        + String.join(", ", new java.util.TreeSet<>(definition.targets()))
                        + ")"));
      }
      typeModifier = modifier;
    }
    String defaultType = typeModifier != null ? typeModifier : definition.singleTarget();
    List<String> conditions = new ArrayList<>();
    for (String alternative : alternatives) {
      String value = SearchSyntax.unescape(alternative);
      String[] target = SearchIndexer.parseReference(value, defaultType);
      if (target != null) {
        if (typeModifier != null && !typeModifier.equals(target[0])) {
          throw new InvalidSearchException(
              "'"
                  + definition.name()
                  + ":"
                  + typeModifier
                  + "="
                  + value
                  + "' names two different target types");
        }
        conditions.add(
            "(x.target_id = "
                + bind(IndexedValues.truncate(target[1]))
                + " and x.target_type = "
                + bind(IndexedValues.truncate(target[0]))
                + ")");
      } else if (SearchIndexer.isId(value)) {
        conditions.add("x.target_id = " + bind(value));
      } else {
        throw new InvalidSearchException(
            "'"
                + value
                + "' is not a reference for '"
                + definition.name()
                + "': expected Type/id, id or a URL ending in Type/id");
      }
    }
    indexed("fhir_search_reference", definition, conditions);
  }

  /**
   * {@code r.res_id in (select ... where param and (c1 or c2 ...))}: a semi-join on the lookup
   * index.
   */
  private void indexed(String table, Definition definition, List<String> conditions) {
    and(
        "r.res_id in (select x.res_id from "
            + table
            + " x where x.res_type = "
            + bind(resourceType)
            + " and x.param = "
            + bind(definition.name())
            + " and "
            + or(conditions)
            + ")");
  }

  /**
   * FHIR R4 date matching of the range {@code [low, high]} a resource value covers against the
   * range of a search value {@code [pl, ph]}: eq = contained; ne = not contained; gt = reaches
   * above ph; lt = reaches below pl; ge = gt or eq; le = lt or eq; sa = starts after ph; eb = ends
   * before pl; ap = overlaps the search range widened by a tenth of its distance from now.
   */
  private String dateCondition(String name, String value, String low, String high) {
    SearchSyntax.DateValue date = SearchSyntax.date(name, value);
    FhirDates.Range range = date.range();
    String prefix = date.prefix();
    return switch (prefix) {
      case "eq" -> {
        String pl = bind(timestamp(range.low()));
        String ph = bind(timestamp(range.high()));
        yield "(" + low + " >= " + pl + " and " + low + " <= " + ph + " and " + high + " <= " + ph
            + ")";
      }
      case "ne" ->
          "("
              + low
              + " < "
              + bind(timestamp(range.low()))
              + " or "
              + high
              + " > "
              + bind(timestamp(range.high()))
              + ")";
      case "gt" -> high + " > " + bind(timestamp(range.high()));
      case "lt" -> low + " < " + bind(timestamp(range.low()));
      case "ge" ->
          "("
              + low
              + " >= "
              + bind(timestamp(range.low()))
              + " or "
              + high
              + " > "
              + bind(timestamp(range.high()))
              + ")";
      case "le" ->
          "("
              + high
              + " <= "
              + bind(timestamp(range.high()))
              + " or "
              + low
              + " < "
              + bind(timestamp(range.low()))
              + ")";
      case "sa" -> low + " > " + bind(timestamp(range.high()));
      case "eb" -> high + " < " + bind(timestamp(range.low()));
      case "ap" -> {
        Duration margin = Duration.between(range.low(), now).abs().dividedBy(10);
        Instant from =
            range.low().minus(margin).isBefore(FhirDates.MIN)
                ? FhirDates.MIN
                : range.low().minus(margin);
        Instant to =
            range.high().plus(margin).isAfter(FhirDates.MAX)
                ? FhirDates.MAX
                : range.high().plus(margin);
        yield "("
            + low
            + " <= "
            + bind(timestamp(to))
            + " and "
            + high
            + " >= "
            + bind(timestamp(from))
            + ")";
      }
      default -> throw new IllegalStateException(prefix);
    };
  }

  private static java.time.OffsetDateTime timestamp(Instant instant) {
    return instant.atOffset(ZoneOffset.UTC);
  }

  private void sort(String value) {
    for (SearchSyntax.SortKey key : SearchSyntax.sort(value)) {
      boolean descending = key.descending();
      String name = key.name();
      String direction = descending ? " desc" : "";
      if (name.equals("_lastUpdated")) {
        order.add("r.last_updated" + direction);
        continue;
      }
      if (name.equals("_id")) {
        order.add("r.res_id" + direction);
        continue;
      }
      Definition definition = SearchParameters.find(resourceType, name);
      String aggregate = null;
      if (definition != null && definition.type() == Type.DATE) {
        aggregate = descending ? "max(x.high)" : "min(x.low)";
        order.add(sortKey(aggregate, "fhir_search_date", definition) + direction + " nulls last");
      } else if (definition != null && definition.type() == Type.STRING) {
        aggregate = descending ? "max(x.value)" : "min(x.value)";
        order.add(sortKey(aggregate, "fhir_search_string", definition) + direction + " nulls last");
      } else if (definition != null && definition.type() == Type.TOKEN) {
        aggregate = descending ? "max(x.code)" : "min(x.code)";
        order.add(sortKey(aggregate, "fhir_search_token", definition) + direction + " nulls last");
      }
      if (aggregate == null) {
        unknown(
            "_sort",
            "Cannot sort "
                + resourceType
                + " by '"
                + name
                + "': sortable are _lastUpdated, _id"
                + " and the date, string and token parameters of the type");
      }
    }
  }

  private String sortKey(String aggregate, String table, Definition definition) {
    return "(select "
        + aggregate
        + " from "
        + table
        + " x where x.res_type = r.res_type and x.res_id = r.res_id and x.param = "
        + bind(definition.name())
        + ")";
  }

  private void include(String rawName, String modifier, String value) {
    if (modifier != null) {
      unknown(rawName, "'" + rawName + "' is not supported: only _include (one level) is");
      return;
    }
    for (String spec : SearchSyntax.includeSpecs(value)) {
      SearchSyntax.IncludeSpec parsed = SearchSyntax.include(spec);
      Definition definition =
          parsed.sourceType().equals(resourceType)
              ? SearchParameters.find(resourceType, parsed.parameter())
              : null;
      if (definition == null || definition.type() != Type.REFERENCE) {
        unknown(
            "_include",
            "Cannot _include '" + spec + "': not a reference parameter of " + resourceType);
        continue;
      }
      String targetType = parsed.targetType();
      if (targetType != null && !SearchSyntax.isResourceType(targetType)) {
        throw new InvalidSearchException(
            "'_include=" + spec + "': '" + targetType + "' is not a resource type");
      }
      Include include = new Include(definition.name(), targetType, definition.targets());
      if (!includes.contains(include)) {
        includes.add(include);
      }
    }
  }

  private static String or(List<String> conditions) {
    return conditions.size() == 1 ? conditions.get(0) : "(" + String.join(" or ", conditions) + ")";
  }

  /**
   * The least string greater than every string starting with {@code prefix} (code point order =
   * UTF-8 byte order, which {@code ~<~} compares), or null when there is none.
   */
  static String successor(String prefix) {
    int[] codePoints = prefix.codePoints().toArray();
    for (int i = codePoints.length - 1; i >= 0; i--) {
      int next = codePoints[i] + 1;
      if (next == Character.MIN_SURROGATE) {
        next = Character.MAX_SURROGATE + 1;
      }
      if (next <= Character.MAX_CODE_POINT) {
        codePoints[i] = next;
        return new String(codePoints, 0, i + 1);
      }
    }
    return null;
  }
}
