package io.vitalflow.fhir.search;

import io.vitalflow.fhir.search.SearchParameterInfo.Type;
import io.vitalflow.fhir.search.SearchParameters.Definition;
import io.vitalflow.schemas.FhirDates;
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
          "_revinclude",
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

  /** How deep chains and {@code _has} may nest. */
  static final int MAX_DEPTH = 4;

  /** A {@code _revinclude} of the resources of {@code sourceType} that reference the matches. */
  record RevInclude(String sourceType, String param) {}

  /**
   * An {@code _include:iterate} ({@code reverse} false) or {@code _revinclude:iterate}: applied to
   * the matches and then to what it and the other iterating specs included, round after round.
   *
   * @param targetType the {@code :Target} of an include; null = any of {@code targets} (empty: any)
   */
  record Iterate(
      boolean reverse, String sourceType, String param, String targetType, Set<String> targets) {}

  /** Rounds of {@code :iterate} after the first. */
  static final int MAX_ITERATIONS = 3;

  private final String resourceType;
  private final boolean strict;
  private final Instant now;
  private final String alias;
  private final int depth;
  private final Visibility visibility;
  private final StringBuilder where = new StringBuilder();
  private final Map<String, Object> binds;
  private final List<String> order = new ArrayList<>();
  private final List<Include> includes = new ArrayList<>();
  private final List<RevInclude> revincludes = new ArrayList<>();
  private final List<Iterate> iterates = new ArrayList<>();
  private final Set<String> ignored = new LinkedHashSet<>();
  private TotalMode total = TotalMode.ESTIMATE;

  private SearchQuery(
      String resourceType,
      boolean strict,
      Instant now,
      String alias,
      int depth,
      Visibility visibility,
      Map<String, Object> binds) {
    this.resourceType = resourceType;
    this.strict = strict;
    this.now = now;
    this.alias = alias;
    this.depth = depth;
    this.visibility = visibility;
    this.binds = binds;
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
    SearchQuery query =
        new SearchQuery(resourceType, strict, now, "r", 0, visibility, new LinkedHashMap<>());
    query.start();
    parameters.forEach(
        (name, values) -> {
          for (String value : values) {
            query.parameter(name, value == null ? "" : value);
          }
        });
    return query;
  }

  /** The type condition and the caller's visibility of this query's rows. */
  private void start() {
    where
        .append(alias)
        .append(".res_type = ")
        .append(bind(resourceType))
        .append(" and not ")
        .append(alias)
        .append(".deleted");
    String visible = visibility.where(alias, resourceType, this::bind);
    if (visible != null) {
      and(visible);
    }
  }

  /**
   * A query over resources of {@code type} (alias {@code c<depth>}) for a chain or {@code _has},
   * with this query's bind values, strictness and visibility: what the caller may not see never
   * matches, so a chain cannot probe it.
   */
  private SearchQuery nested(String type) {
    if (depth + 1 > MAX_DEPTH) {
      throw new InvalidSearchException(
          "Chains and _has may nest at most " + MAX_DEPTH + " levels deep");
    }
    if (!SearchSyntax.isResourceType(type) || !SearchParameters.resourceTypes().contains(type)) {
      throw new InvalidSearchException("'" + type + "' is not a resource type");
    }
    SearchQuery child =
        new SearchQuery(type, true, now, "c" + (depth + 1), depth + 1, visibility, binds);
    child.start();
    return child;
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

  List<RevInclude> revincludes() {
    return revincludes;
  }

  List<Iterate> iterates() {
    return iterates;
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
      case "_has" -> has(rawName, value);
      case "_revinclude" -> revinclude(rawName, modifier, value);
      default -> {
        if (CONTROL.contains(name)) {
          return;
        }
        int dot = rawName.indexOf('.');
        if (dot > 0) {
          chain(rawName, rawName.substring(0, dot), rawName.substring(dot + 1), value);
          return;
        }
        Definition definition = SearchParameters.find(resourceType, name);
        if (definition == null) {
          unknown(
              rawName,
              "Unknown search parameter '" + rawName + "' for " + resourceType + supported());
          return;
        }
        if ("missing".equals(modifier)) {
          missing(definition, value);
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
          case NUMBER -> number(definition, modifier, alternatives);
          case QUANTITY -> quantity(definition, modifier, alternatives);
          case URI -> uri(definition, modifier, alternatives);
          case COMPOSITE -> composite(definition, modifier, alternatives);
        }
      }
    }
  }

  /** The index table of a parameter type. */
  private static String table(Type type) {
    return switch (type) {
      case TOKEN -> "fhir_search_token";
      case STRING -> "fhir_search_string";
      case DATE -> "fhir_search_date";
      case REFERENCE -> "fhir_search_reference";
      case NUMBER -> "fhir_search_number";
      case QUANTITY -> "fhir_search_quantity";
      case URI -> "fhir_search_uri";
      case COMPOSITE -> "fhir_search_composite";
    };
  }

  /** {@code :missing=true}: no value of the parameter is indexed; {@code false}: one is. */
  private void missing(Definition definition, String value) {
    boolean missing;
    if (value.equals("true")) {
      missing = true;
    } else if (value.equals("false")) {
      missing = false;
    } else {
      throw new InvalidSearchException(
          "'" + definition.name() + ":missing=" + value + "': expected true or false");
    }
    String rows =
        "select x.res_id from "
            + table(definition.type())
            + " x where x.res_type = "
            + bind(resourceType)
            + " and x.param = "
            + bind(definition.name());
    if (definition.type() == Type.REFERENCE) {
      // canonical URLs that name no Type/id are indexed as uris under the parameter
      rows +=
          " union all select x.res_id from fhir_search_uri x where x.res_type = "
              + bind(resourceType)
              + " and x.param = "
              + bind(definition.name());
    }
    and(alias + ".res_id " + (missing ? "not in" : "in") + " (" + rows + ")");
  }

  /**
   * A chained parameter {@code reference[:Type].rest}: the resources whose reference points at a
   * resource of a target type that matches {@code rest=value} (which may chain further).
   */
  private void chain(String rawName, String first, String rest, String value) {
    SearchSyntax.Name parsed = SearchSyntax.name(first);
    Definition definition = SearchParameters.find(resourceType, parsed.name());
    if (definition == null || definition.type() != Type.REFERENCE) {
      unknown(
          rawName,
          "Unknown chained search parameter '"
              + rawName
              + "' for "
              + resourceType
              + ": '"
              + parsed.name()
              + "' is not a reference parameter of "
              + resourceType);
      return;
    }
    String restName = SearchSyntax.name(rest.split("\\.", 2)[0]).name();
    List<String> targets = new ArrayList<>();
    if (parsed.modifier() != null) {
      if (!definition.targets().isEmpty() && !definition.targets().contains(parsed.modifier())) {
        throw new InvalidSearchException(
            "'" + rawName + "': " + parsed.modifier() + " is not a target of " + parsed.name());
      }
      targets.add(parsed.modifier());
    } else {
      for (String target : new java.util.TreeSet<>(definition.targets())) {
        if (isParameter(target, restName)) {
          targets.add(target);
        }
      }
    }
    if (targets.isEmpty()) {
      unknown(
          rawName,
          "Unknown chained search parameter '"
              + rawName
              + "': no target type of '"
              + parsed.name()
              + "' has a parameter '"
              + restName
              + "'");
      return;
    }
    List<String> conditions = new ArrayList<>();
    for (String target : targets) {
      SearchQuery child = nested(target);
      child.parameter(rest, value);
      conditions.add(
          "(x.target_type = "
              + bind(target)
              + " and x.target_id in (select "
              + child.alias
              + ".res_id from fhir_resource "
              + child.alias
              + " where "
              + child.where()
              + "))");
    }
    and(
        alias
            + ".res_id in (select x.res_id from fhir_search_reference x where x.res_type = "
            + bind(resourceType)
            + " and x.param = "
            + bind(definition.name())
            + " and "
            + or(conditions)
            + ")");
  }

  /** Whether {@code name} is a parameter a search of {@code type} understands. */
  private static boolean isParameter(String type, String name) {
    return name.equals("_id")
        || name.equals("_lastUpdated")
        || name.equals("_has")
        || SearchParameters.find(type, name) != null;
  }

  /**
   * Reverse chaining, {@code _has:Type:reference:parameter=value}: the resources that a resource of
   * {@code Type} matching {@code parameter=value} references through {@code reference}.
   */
  private void has(String rawName, String value) {
    String[] parts = rawName.split(":", 4);
    if (parts.length < 4 || parts[1].isEmpty() || parts[2].isEmpty() || parts[3].isEmpty()) {
      throw new InvalidSearchException(
          "'" + rawName + "': expected _has:Type:reference-parameter:parameter=value");
    }
    String type = parts[1];
    if (!SearchSyntax.isResourceType(type) || !SearchParameters.resourceTypes().contains(type)) {
      throw new InvalidSearchException("'" + rawName + "': '" + type + "' is not a resource type");
    }
    Definition reference = SearchParameters.find(type, parts[2]);
    if (reference == null || reference.type() != Type.REFERENCE) {
      unknown(
          rawName,
          "Unknown search parameter '"
              + rawName
              + "': '"
              + parts[2]
              + "' is not a reference parameter of "
              + type);
      return;
    }
    if (!reference.targets().isEmpty() && !reference.targets().contains(resourceType)) {
      unknown(
          rawName,
          "Unknown search parameter '"
              + rawName
              + "': "
              + type
              + "."
              + parts[2]
              + " does not reference "
              + resourceType);
      return;
    }
    SearchQuery child = nested(type);
    child.parameter(parts[3], value);
    and(
        alias
            + ".res_id in (select x.target_id from fhir_search_reference x where x.res_type = "
            + bind(type)
            + " and x.param = "
            + bind(reference.name())
            + " and x.target_type = "
            + bind(resourceType)
            + " and x.res_id in (select "
            + child.alias
            + ".res_id from fhir_resource "
            + child.alias
            + " where "
            + child.where()
            + "))");
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
    and(alias + ".res_id in (" + String.join(", ", placeholders) + ")");
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
          dateCondition(
              "_lastUpdated", alternative, alias + ".last_updated", alias + ".last_updated"));
    }
    and(or(conditions));
  }

  private void token(Definition definition, String modifier, List<String> alternatives) {
    if ("text".equals(modifier)) {
      textOf(definition.name(), definition.name() + ":text", alternatives);
      return;
    }
    if ("of-type".equals(modifier)) {
      List<String> conditions = new ArrayList<>();
      for (String alternative : alternatives) {
        String[] parts = SearchSyntax.ofType(definition.name(), alternative);
        conditions.add(
            "(x.system = "
                + bind(IndexedValues.truncate(parts[0] + "|" + parts[1]))
                + " and x.code = "
                + bind(IndexedValues.truncate(parts[2]))
                + ")");
      }
      indexed("fhir_search_token", definition.name() + ":of-type", conditions, false);
      return;
    }
    if (modifier != null && !modifier.equals("not")) {
      throw unsupported(modifier, "token", definition, ":not, :text, :of-type, :missing");
    }
    List<String> conditions = tokenConditions(definition.name(), alternatives);
    indexed("fhir_search_token", definition.name(), conditions, modifier != null);
  }

  /** The text of codes ({@code :text}): starts-with matching like a string parameter. */
  private void textOf(String name, String param, List<String> alternatives) {
    List<String> conditions = new ArrayList<>();
    for (String alternative : alternatives) {
      String normalised =
          IndexedValues.truncate(SearchIndexer.normalise(SearchSyntax.unescape(alternative)));
      conditions.add(startsWith(normalised));
    }
    indexed("fhir_search_string", param, conditions, false);
  }

  private String startsWith(String normalised) {
    String upper = successor(normalised);
    return upper == null
        ? "x.value ~>=~ " + bind(normalised)
        : "(x.value ~>=~ " + bind(normalised) + " and x.value ~<~ " + bind(upper) + ")";
  }

  private List<String> tokenConditions(String name, List<String> alternatives) {
    List<String> conditions = new ArrayList<>();
    for (String alternative : alternatives) {
      SearchSyntax.Token token = SearchSyntax.token(name, alternative);
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
    return conditions;
  }

  private void string(Definition definition, String modifier, List<String> alternatives) {
    List<String> conditions = new ArrayList<>();
    for (String alternative : alternatives) {
      // the index holds the first 200 characters of each value: compare the same prefix of the
      // search value
      String value = IndexedValues.truncate(SearchSyntax.unescape(alternative));
      String normalised =
          IndexedValues.truncate(SearchIndexer.normalise(SearchSyntax.unescape(alternative)));
      if (modifier == null || modifier.equals("text")) {
        conditions.add(startsWith(normalised));
      } else if (modifier.equals("exact")) {
        conditions.add("(x.value = " + bind(normalised) + " and x.exact = " + bind(value) + ")");
      } else if (modifier.equals("contains")) {
        conditions.add("strpos(x.value, " + bind(normalised) + ") > 0");
      } else {
        throw unsupported(modifier, "string", definition, ":exact, :contains, :text, :missing");
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
    if ("identifier".equals(modifier)) {
      indexed(
          "fhir_search_token",
          definition.name() + ":identifier",
          tokenConditions(definition.name(), alternatives),
          false);
      return;
    }
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
    List<String> canonicals = new ArrayList<>();
    for (String alternative : alternatives) {
      String value = SearchSyntax.unescape(alternative);
      if (typeModifier == null && SearchIndexer.isAbsoluteUrl(value)) {
        canonicals.add(canonicalCondition(value));
      }
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
      } else if (!SearchIndexer.isAbsoluteUrl(value) || typeModifier != null) {
        throw new InvalidSearchException(
            "'"
                + value
                + "' is not a reference for '"
                + definition.name()
                + "': expected Type/id, id, a URL ending in Type/id or a canonical URL");
      }
    }
    if (canonicals.isEmpty()) {
      indexed("fhir_search_reference", definition, conditions);
      return;
    }
    List<String> either = new ArrayList<>();
    if (!conditions.isEmpty()) {
      either.add(semiJoin("fhir_search_reference", definition.name(), conditions, false));
    }
    either.add(semiJoin("fhir_search_uri", definition.name(), canonicals, false));
    and(or(either));
  }

  /**
   * A canonical reference ({@code url} or {@code url|version}): the same string, and without a
   * version any version of it (FHIR R4 search, references to canonical URLs).
   */
  private String canonicalCondition(String value) {
    String uri = IndexedValues.truncate(value);
    if (value.indexOf('|') >= 0) {
      return "x.uri = " + bind(uri);
    }
    return "(x.uri = " + bind(uri) + " or starts_with(x.uri, " + bind(uri + "|") + "))";
  }

  /**
   * {@code r.res_id in (select ... where param and (c1 or c2 ...))}: a semi-join on the lookup
   * index.
   */
  private void indexed(String table, Definition definition, List<String> conditions) {
    indexed(table, definition.name(), conditions, false);
  }

  /** {@link #indexed(String, Definition, List)}, or its negation ({@code :not}). */
  private void indexed(String table, String param, List<String> conditions, boolean negated) {
    and(semiJoin(table, param, conditions, negated));
  }

  /** The condition {@link #indexed(String, String, List, boolean)} adds. */
  private String semiJoin(String table, String param, List<String> conditions, boolean negated) {
    return alias
        + ".res_id "
        + (negated ? "not in" : "in")
        + " (select x.res_id from "
        + table
        + " x where x.res_type = "
        + bind(resourceType)
        + " and x.param = "
        + bind(param)
        + " and "
        + or(conditions)
        + ")";
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

  private void number(Definition definition, String modifier, List<String> alternatives) {
    SearchSyntax.noModifier(definition.name(), modifier);
    List<String> conditions = new ArrayList<>();
    for (String alternative : alternatives) {
      SearchSyntax.NumberValue number = SearchSyntax.number(definition.name(), alternative);
      conditions.add(numberCondition(number.prefix(), number.value(), "x.value"));
    }
    indexed("fhir_search_number", definition, conditions);
  }

  /**
   * Number matching (R4 3.1.1.4.2): {@code eq} and {@code ne} use the precision of the search value
   * ({@code 100} covers [99.5, 100.5)), {@code ap} 10 % of it, the others compare exactly.
   */
  private String numberCondition(String prefix, java.math.BigDecimal value, String column) {
    java.math.BigDecimal half =
        java.math.BigDecimal.ONE
            .movePointLeft(Math.max(value.scale(), 0) + 1)
            .multiply(java.math.BigDecimal.valueOf(5));
    return switch (prefix) {
      case "eq" ->
          "("
              + column
              + " >= "
              + bind(value.subtract(half))
              + " and "
              + column
              + " < "
              + bind(value.add(half))
              + ")";
      case "ne" ->
          "("
              + column
              + " < "
              + bind(value.subtract(half))
              + " or "
              + column
              + " >= "
              + bind(value.add(half))
              + ")";
      case "gt", "sa" -> column + " > " + bind(value);
      case "lt", "eb" -> column + " < " + bind(value);
      case "ge" -> column + " >= " + bind(value);
      case "le" -> column + " <= " + bind(value);
      case "ap" -> {
        java.math.BigDecimal margin = value.abs().multiply(new java.math.BigDecimal("0.1"));
        yield "("
            + column
            + " >= "
            + bind(value.subtract(margin))
            + " and "
            + column
            + " <= "
            + bind(value.add(margin))
            + ")";
      }
      default -> throw new IllegalStateException(prefix);
    };
  }

  private void quantity(Definition definition, String modifier, List<String> alternatives) {
    SearchSyntax.noModifier(definition.name(), modifier);
    List<String> conditions = new ArrayList<>();
    for (String alternative : alternatives) {
      conditions.add(
          quantityCondition(
              definition.name(),
              alternative,
              "x.value",
              "x.system",
              "x.code",
              "x.canonical_code",
              "x.canonical_value"));
    }
    indexed("fhir_search_quantity", definition, conditions);
  }

  /**
   * {@code [prefix]number[|system|code]}: in the UCUM base unit when the unit is one {@link Ucum}
   * normalises, else the number with the system and code as given.
   */
  private String quantityCondition(
      String name,
      String alternative,
      String value,
      String system,
      String code,
      String canonicalCode,
      String canonicalValue) {
    SearchSyntax.QuantityValue quantity = SearchSyntax.quantity(name, alternative);
    String unitSystem =
        quantity.system() == null || quantity.system().isEmpty() ? null : quantity.system();
    String unitCode = quantity.code() == null || quantity.code().isEmpty() ? null : quantity.code();
    if (canonicalCode != null) {
      Ucum.Canonical unit =
          Ucum.canonical(
              unitSystem == null ? Ucum.SYSTEM : unitSystem, unitCode, java.math.BigDecimal.ONE);
      if (unit != null) {
        return "("
            + canonicalCode
            + " = "
            + bind(unit.code())
            + " and "
            + scaledCondition(quantity, canonicalValue, unit.value())
            + ")";
      }
    }
    List<String> parts = new ArrayList<>();
    parts.add(numberCondition(quantity.prefix(), quantity.value(), value));
    if (unitSystem != null) {
      parts.add(system + " = " + bind(unitSystem));
    }
    if (unitCode != null) {
      parts.add(code + " = " + bind(unitCode));
    }
    return "(" + String.join(" and ", parts) + ")";
  }

  /**
   * The number condition of a quantity in base units: the search value's precision range, scaled by
   * the unit's factor.
   */
  private String scaledCondition(
      SearchSyntax.QuantityValue quantity, String column, java.math.BigDecimal factor) {
    java.math.BigDecimal value = quantity.value();
    if (value.signum() == 0) {
      return numberCondition(quantity.prefix(), value, column);
    }
    java.math.BigDecimal half =
        java.math.BigDecimal.ONE
            .movePointLeft(Math.max(value.scale(), 0) + 1)
            .multiply(java.math.BigDecimal.valueOf(5));
    java.math.BigDecimal scaled = value.multiply(factor, java.math.MathContext.DECIMAL64);
    java.math.BigDecimal low =
        value.subtract(half).multiply(factor, java.math.MathContext.DECIMAL64);
    java.math.BigDecimal high = value.add(half).multiply(factor, java.math.MathContext.DECIMAL64);
    return switch (quantity.prefix()) {
      case "eq" -> "(" + column + " >= " + bind(low) + " and " + column + " < " + bind(high) + ")";
      case "ne" -> "(" + column + " < " + bind(low) + " or " + column + " >= " + bind(high) + ")";
      default -> numberCondition(quantity.prefix(), scaled, column);
    };
  }

  private void uri(Definition definition, String modifier, List<String> alternatives) {
    List<String> conditions = new ArrayList<>();
    for (String alternative : alternatives) {
      String uri = IndexedValues.truncate(SearchSyntax.unescape(alternative));
      if (modifier == null) {
        conditions.add("x.uri = " + bind(uri));
      } else if (modifier.equals("below")) {
        conditions.add("starts_with(x.uri, " + bind(uri) + ")");
      } else if (modifier.equals("above")) {
        conditions.add("starts_with(" + bind(uri) + ", x.uri)");
      } else {
        throw unsupported(modifier, "uri", definition, ":below, :above, :missing");
      }
    }
    indexed("fhir_search_uri", definition, conditions);
  }

  /**
   * {@code token$value}: the first component a token, the second matched by the type of its
   * parameter (token, string, number, quantity or date, with prefixes).
   */
  private void composite(Definition definition, String modifier, List<String> alternatives) {
    SearchSyntax.noModifier(definition.name(), modifier);
    Definition firstDefinition =
        SearchParameters.find(resourceType, definition.components().get(0).parameter());
    Definition second =
        SearchParameters.find(resourceType, definition.components().get(1).parameter());
    boolean referenceFirst = firstDefinition != null && firstDefinition.type() == Type.REFERENCE;
    List<String> conditions = new ArrayList<>();
    for (String alternative : alternatives) {
      int dollar = alternative.indexOf('$');
      while (dollar > 0 && alternative.charAt(dollar - 1) == '\\') {
        dollar = alternative.indexOf('$', dollar + 1);
      }
      if (dollar < 0 || second == null) {
        throw new InvalidSearchException(
            "'" + definition.name() + "=" + alternative + "': expected token$value");
      }
      String rest = alternative.substring(dollar + 1);
      List<String> parts = new ArrayList<>();
      if (referenceFirst) {
        parts.add(compositeReference(firstDefinition, alternative.substring(0, dollar)));
      } else {
        SearchSyntax.Token first =
            SearchSyntax.token(definition.name(), alternative.substring(0, dollar));
        parts.add("x.code1 = " + bind(IndexedValues.truncate(first.code())));
        if (first.system() != null && !first.system().isEmpty()) {
          parts.add("x.system1 = " + bind(IndexedValues.truncate(first.system())));
        }
      }
      switch (second.type()) {
        case TOKEN -> {
          SearchSyntax.Token token = SearchSyntax.token(definition.name(), rest);
          parts.add("x.code2 = " + bind(IndexedValues.truncate(token.code())));
          if (token.system() != null && !token.system().isEmpty()) {
            parts.add("x.system2 = " + bind(IndexedValues.truncate(token.system())));
          }
        }
        case STRING ->
            parts.add(
                "starts_with(x.code2, "
                    + bind(SearchIndexer.normalise(SearchSyntax.unescape(rest)))
                    + ")");
        case NUMBER -> {
          SearchSyntax.NumberValue number = SearchSyntax.number(definition.name(), rest);
          parts.add(numberCondition(number.prefix(), number.value(), "x.value2"));
        }
        case QUANTITY ->
            parts.add(
                quantityCondition(
                    definition.name(), rest, "x.value2", "x.system2", "x.code2", null, null));
        case DATE -> parts.add(dateCondition(definition.name(), rest, "x.low2", "x.high2"));
        default ->
            throw new InvalidSearchException(
                "Composite parameter '" + definition.name() + "' is not supported");
      }
      conditions.add("(" + String.join(" and ", parts) + ")");
    }
    indexed("fhir_search_composite", definition, conditions);
  }

  private static java.time.OffsetDateTime timestamp(Instant instant) {
    return instant.atOffset(ZoneOffset.UTC);
  }

  /**
   * A reference as a composite's first component, indexed as {@code Type/id}: {@code Type/id} (or a
   * URL ending in it) matches that, a bare id matches it with the parameter's only target type, or
   * with any type when it has several.
   */
  private String compositeReference(Definition first, String value) {
    String reference = SearchSyntax.unescape(value);
    String[] parsed = SearchIndexer.parseReference(reference, first.singleTarget());
    if (parsed != null) {
      return "x.code1 = " + bind(IndexedValues.truncate(parsed[0] + "/" + parsed[1]));
    }
    if (SearchIndexer.isId(reference)) {
      return "x.code1 like " + bind("%/" + reference);
    }
    throw new InvalidSearchException(
        "'"
            + first.name()
            + "': '"
            + (reference.length() > 40 ? reference.substring(0, 40) + "..." : reference)
            + "' is not a reference (Type/id)");
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
      if (definition != null && definition.type() == Type.NUMBER) {
        aggregate = descending ? "max(x.value)" : "min(x.value)";
        order.add(sortKey(aggregate, "fhir_search_number", definition) + direction + " nulls last");
      } else if (definition != null && definition.type() == Type.QUANTITY) {
        aggregate =
            descending
                ? "max(coalesce(x.canonical_value, x.value))"
                : "min(coalesce(x.canonical_value, x.value))";
        order.add(
            sortKey(aggregate, "fhir_search_quantity", definition) + direction + " nulls last");
      } else if (definition != null && definition.type() == Type.URI) {
        aggregate = descending ? "max(x.uri)" : "min(x.uri)";
        order.add(sortKey(aggregate, "fhir_search_uri", definition) + direction + " nulls last");
      } else if (definition != null && definition.type() == Type.REFERENCE) {
        aggregate =
            descending
                ? "max(x.target_type || '/' || x.target_id)"
                : "min(x.target_type || '/' || x.target_id)";
        order.add(
            sortKey(aggregate, "fhir_search_reference", definition) + direction + " nulls last");
      } else if (definition != null && definition.type() == Type.DATE) {
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
                + " and every parameter of the type except composite ones");
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
    if ("iterate".equals(modifier) || "recurse".equals(modifier)) {
      iterate(false, value);
      return;
    }
    if (modifier != null) {
      unknown(
          rawName, "'" + rawName + "' is not supported: only _include and _include:iterate are");
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

  private void revinclude(String rawName, String modifier, String value) {
    if ("iterate".equals(modifier) || "recurse".equals(modifier)) {
      iterate(true, value);
      return;
    }
    if (modifier != null) {
      unknown(
          rawName,
          "'" + rawName + "' is not supported: only _revinclude and _revinclude:iterate are");
      return;
    }
    for (String spec : SearchSyntax.includeSpecs(value)) {
      SearchSyntax.IncludeSpec parsed = SearchSyntax.include(spec);
      Definition definition =
          SearchParameters.resourceTypes().contains(parsed.sourceType())
              ? SearchParameters.find(parsed.sourceType(), parsed.parameter())
              : null;
      if (definition == null
          || definition.type() != Type.REFERENCE
          || (!definition.targets().isEmpty() && !definition.targets().contains(resourceType))) {
        unknown(
            "_revinclude",
            "Cannot _revinclude '"
                + spec
                + "': not a reference parameter of "
                + parsed.sourceType()
                + " that may point at "
                + resourceType);
        continue;
      }
      RevInclude revinclude = new RevInclude(parsed.sourceType(), definition.name());
      if (!revincludes.contains(revinclude)) {
        revincludes.add(revinclude);
      }
    }
  }

  /** An {@code :iterate} spec: a reference parameter of any type. */
  private void iterate(boolean reverse, String value) {
    String name = reverse ? "_revinclude:iterate" : "_include:iterate";
    for (String spec : SearchSyntax.includeSpecs(value)) {
      SearchSyntax.IncludeSpec parsed = SearchSyntax.include(spec);
      Definition definition =
          SearchParameters.resourceTypes().contains(parsed.sourceType())
              ? SearchParameters.find(parsed.sourceType(), parsed.parameter())
              : null;
      if (definition == null || definition.type() != Type.REFERENCE) {
        unknown(
            name,
            "Cannot "
                + name
                + " '"
                + spec
                + "': not a reference parameter of "
                + parsed.sourceType());
        continue;
      }
      String targetType = parsed.targetType();
      if (targetType != null && !SearchParameters.resourceTypes().contains(targetType)) {
        throw new InvalidSearchException(
            "'" + name + "=" + spec + "': '" + targetType + "' is not a resource type");
      }
      Iterate iterate =
          new Iterate(
              reverse, parsed.sourceType(), definition.name(), targetType, definition.targets());
      if (!iterates.contains(iterate)) {
        iterates.add(iterate);
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

  private static InvalidSearchException unsupported(
      String modifier, String kind, Definition definition, String supported) {
    return new InvalidSearchException(
        "Modifier ':"
            + modifier
            + "' is not supported on "
            + kind
            + " parameter '"
            + definition.name()
            + "' (supported: "
            + supported
            + ")");
  }
}
