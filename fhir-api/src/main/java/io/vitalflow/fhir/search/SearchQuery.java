package io.vitalflow.fhir.search;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

import io.vitalflow.fhir.search.SearchParameterInfo.Type;
import io.vitalflow.fhir.search.SearchParameters.Definition;

/**
 * A FHIR search translated into SQL over {@code fhir_resource r} and the search index tables: a
 * {@link #where() condition}, an {@link #orderBy() order} and the named bind values they use. Every value
 * of the request is a bind value; only parameter-independent SQL text is concatenated.
 */
final class SearchQuery {

  /** Control parameters this class understands or the HTTP layer handles: never "unknown". */
  static final Set<String> CONTROL = Set.of("_sort", "_include", "_total", "_summary", "_elements", "_count",
      "_offset", "_format", "_pretty");
  static final String DEFAULT_ORDER = "r.last_updated, r.res_id";

  private static final Pattern RESOURCE_TYPE = Pattern.compile("[A-Z][A-Za-z]{1,63}");
  private static final Pattern PREFIX = Pattern.compile("(eq|ne|gt|lt|ge|le|sa|eb|ap)?(\\d.*)");
  private static final int MAX_VALUES = 100;

  enum TotalMode { NONE, ESTIMATE, ACCURATE }

  /** An {@code _include} of the targets of {@code param}; {@code targetType} null = any type. */
  record Include(String param, String targetType) {
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
   * @throws InvalidSearchException for malformed values, and for unknown parameters when {@code strict}
   */
  static SearchQuery compile(String resourceType, Map<String, List<String>> parameters, boolean strict,
      Instant now) {
    if (resourceType == null || !RESOURCE_TYPE.matcher(resourceType).matches()) {
      throw new InvalidSearchException("'" + resourceType + "' is not a resource type");
    }
    SearchQuery query = new SearchQuery(resourceType, strict, now);
    query.where.append("r.res_type = ").append(query.bind(resourceType)).append(" and not r.deleted");
    parameters.forEach((name, values) -> {
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
    int colon = rawName.indexOf(':');
    String name = colon < 0 ? rawName : rawName.substring(0, colon);
    String modifier = colon < 0 ? null : rawName.substring(colon + 1);
    switch (name) {
      case "_sort" -> sort(value);
      case "_include" -> include(rawName, modifier, value);
      case "_total" -> total(value);
      case "_id" -> id(rawName, modifier, value);
      case "_lastUpdated" -> lastUpdated(rawName, modifier, value);
      default -> {
        if (CONTROL.contains(name)) {
          return;
        }
        Definition definition = SearchParameters.find(resourceType, name);
        if (definition == null) {
          unknown(rawName, "Unknown search parameter '" + rawName + "' for " + resourceType + supported());
          return;
        }
        List<String> alternatives = orValues(rawName, value);
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

  private static void noModifier(String name, String modifier) {
    if (modifier != null) {
      throw new InvalidSearchException("Modifier ':" + modifier + "' is not supported on '" + name + "'");
    }
  }

  private void and(String condition) {
    where.append(" and ").append(condition);
  }

  private void id(String rawName, String modifier, String value) {
    noModifier("_id", modifier);
    List<String> ids = orValues(rawName, value);
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
    noModifier("_lastUpdated", modifier);
    List<String> alternatives = orValues(rawName, value);
    if (alternatives.isEmpty()) {
      return;
    }
    List<String> conditions = new ArrayList<>();
    for (String alternative : alternatives) {
      conditions.add(dateCondition("_lastUpdated", alternative, "r.last_updated", "r.last_updated"));
    }
    and(or(conditions));
  }

  private void token(Definition definition, String modifier, List<String> alternatives) {
    noModifier(definition.name(), modifier);
    List<String> conditions = new ArrayList<>();
    for (String alternative : alternatives) {
      int bar = indexOfUnescaped(alternative, '|');
      if (bar < 0) {
        conditions.add("x.code = " + bind(IndexedValues.truncate(unescape(alternative))));
        continue;
      }
      String system = IndexedValues.truncate(unescape(alternative.substring(0, bar)));
      String code = IndexedValues.truncate(unescape(alternative.substring(bar + 1)));
      if (system.isEmpty() && code.isEmpty()) {
        throw new InvalidSearchException("'" + definition.name() + "=|' needs a system or a code");
      } else if (system.isEmpty()) {
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
      // the index holds the first 200 characters of each value: compare the same prefix of the search value
      String value = IndexedValues.truncate(unescape(alternative));
      String normalised = IndexedValues.truncate(SearchIndexer.normalise(unescape(alternative)));
      if (modifier == null) {
        String upper = successor(normalised);
        conditions.add(upper == null ? "x.value ~>=~ " + bind(normalised)
            : "(x.value ~>=~ " + bind(normalised) + " and x.value ~<~ " + bind(upper) + ")");
      } else if (modifier.equals("exact")) {
        conditions.add("(x.value = " + bind(normalised) + " and x.exact = " + bind(value) + ")");
      } else if (modifier.equals("contains")) {
        conditions.add("strpos(x.value, " + bind(normalised) + ") > 0");
      } else {
        throw new InvalidSearchException("Modifier ':" + modifier + "' is not supported on string parameter '"
            + definition.name() + "' (supported: :exact, :contains)");
      }
    }
    indexed("fhir_search_string", definition, conditions);
  }

  private void date(Definition definition, String modifier, List<String> alternatives) {
    noModifier(definition.name(), modifier);
    List<String> conditions = new ArrayList<>();
    for (String alternative : alternatives) {
      conditions.add(dateCondition(definition.name(), alternative, "x.low", "x.high"));
    }
    indexed("fhir_search_date", definition, conditions);
  }

  private void reference(Definition definition, String modifier, List<String> alternatives) {
    String typeModifier = null;
    if (modifier != null) {
      if (!RESOURCE_TYPE.matcher(modifier).matches()
          || (!definition.targets().isEmpty() && !definition.targets().contains(modifier))) {
        throw new InvalidSearchException("Modifier ':" + modifier + "' is not supported on reference parameter '"
            + definition.name() + "'" + (definition.targets().isEmpty() ? ""
                : " (it may name a target type: " + String.join(", ", new java.util.TreeSet<>(definition.targets()))
                    + ")"));
      }
      typeModifier = modifier;
    }
    String defaultType = typeModifier != null ? typeModifier : definition.singleTarget();
    List<String> conditions = new ArrayList<>();
    for (String alternative : alternatives) {
      String value = unescape(alternative);
      String[] target = SearchIndexer.parseReference(value, defaultType);
      if (target != null) {
        if (typeModifier != null && !typeModifier.equals(target[0])) {
          throw new InvalidSearchException("'" + definition.name() + ":" + typeModifier + "=" + value
              + "' names two different target types");
        }
        conditions.add("(x.target_id = " + bind(IndexedValues.truncate(target[1])) + " and x.target_type = "
            + bind(IndexedValues.truncate(target[0])) + ")");
      } else if (SearchIndexer.isId(value)) {
        conditions.add("x.target_id = " + bind(value));
      } else {
        throw new InvalidSearchException("'" + value + "' is not a reference for '" + definition.name()
            + "': expected Type/id, id or a URL ending in Type/id");
      }
    }
    indexed("fhir_search_reference", definition, conditions);
  }

  /** {@code r.res_id in (select ... where param and (c1 or c2 ...))}: a semi-join on the lookup index. */
  private void indexed(String table, Definition definition, List<String> conditions) {
    and("r.res_id in (select x.res_id from " + table + " x where x.res_type = " + bind(resourceType)
        + " and x.param = " + bind(definition.name()) + " and " + or(conditions) + ")");
  }

  /**
   * FHIR R4 date matching of the range {@code [low, high]} a resource value covers against the range of a
   * search value {@code [pl, ph]}: eq = contained; ne = not contained; gt = reaches above ph; lt = reaches
   * below pl; ge = gt or eq; le = lt or eq; sa = starts after ph; eb = ends before pl; ap = overlaps the
   * search range widened by a tenth of its distance from now.
   */
  private String dateCondition(String name, String value, String low, String high) {
    var matcher = PREFIX.matcher(value);
    if (!matcher.matches()) {
      throw new InvalidSearchException("'" + name + "=" + value + "': a date value is an optional prefix"
          + " (eq, ne, gt, lt, ge, le, sa, eb, ap) followed by a date such as 2020, 2020-05, 2020-05-01 or"
          + " 2020-05-01T10:00:00Z");
    }
    String prefix = matcher.group(1) == null ? "eq" : matcher.group(1);
    FhirDates.Range range;
    try {
      range = FhirDates.parse(matcher.group(2));
    } catch (IllegalArgumentException e) {
      throw new InvalidSearchException("'" + name + "=" + value + "': " + e.getMessage());
    }
    return switch (prefix) {
      case "eq" -> {
        String pl = bind(timestamp(range.low()));
        String ph = bind(timestamp(range.high()));
        yield "(" + low + " >= " + pl + " and " + low + " <= " + ph + " and " + high + " <= " + ph + ")";
      }
      case "ne" -> "(" + low + " < " + bind(timestamp(range.low())) + " or " + high + " > "
          + bind(timestamp(range.high())) + ")";
      case "gt" -> high + " > " + bind(timestamp(range.high()));
      case "lt" -> low + " < " + bind(timestamp(range.low()));
      case "ge" -> "(" + low + " >= " + bind(timestamp(range.low())) + " or " + high + " > "
          + bind(timestamp(range.high())) + ")";
      case "le" -> "(" + high + " <= " + bind(timestamp(range.high())) + " or " + low + " < "
          + bind(timestamp(range.low())) + ")";
      case "sa" -> low + " > " + bind(timestamp(range.high()));
      case "eb" -> high + " < " + bind(timestamp(range.low()));
      case "ap" -> {
        Duration margin = Duration.between(range.low(), now).abs().dividedBy(10);
        Instant from = range.low().minus(margin).isBefore(FhirDates.MIN) ? FhirDates.MIN : range.low().minus(margin);
        Instant to = range.high().plus(margin).isAfter(FhirDates.MAX) ? FhirDates.MAX : range.high().plus(margin);
        yield "(" + low + " <= " + bind(timestamp(to)) + " and " + high + " >= " + bind(timestamp(from)) + ")";
      }
      default -> throw new IllegalStateException(prefix);
    };
  }

  private static java.time.OffsetDateTime timestamp(Instant instant) {
    return instant.atOffset(ZoneOffset.UTC);
  }

  private void sort(String value) {
    for (String key : value.split(",")) {
      String trimmed = key.trim();
      if (trimmed.isEmpty()) {
        continue;
      }
      boolean descending = trimmed.startsWith("-");
      String name = descending ? trimmed.substring(1) : trimmed;
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
        unknown("_sort", "Cannot sort " + resourceType + " by '" + name + "': sortable are _lastUpdated, _id"
            + " and the date, string and token parameters of the type");
      }
    }
  }

  private String sortKey(String aggregate, String table, Definition definition) {
    return "(select " + aggregate + " from " + table
        + " x where x.res_type = r.res_type and x.res_id = r.res_id and x.param = " + bind(definition.name())
        + ")";
  }

  private void include(String rawName, String modifier, String value) {
    if (modifier != null) {
      unknown(rawName, "'" + rawName + "' is not supported: only _include (one level) is");
      return;
    }
    for (String spec : value.split(",")) {
      if (spec.isBlank()) {
        continue;
      }
      String[] parts = spec.trim().split(":", -1);
      if (parts.length < 2 || parts.length > 3) {
        throw new InvalidSearchException("'_include=" + spec + "': expected SourceType:parameter[:TargetType]");
      }
      Definition definition = parts[0].equals(resourceType) ? SearchParameters.find(resourceType, parts[1]) : null;
      if (definition == null || definition.type() != Type.REFERENCE) {
        unknown("_include", "Cannot _include '" + spec + "': not a reference parameter of " + resourceType);
        continue;
      }
      String targetType = parts.length == 3 ? parts[2] : null;
      if (targetType != null && !RESOURCE_TYPE.matcher(targetType).matches()) {
        throw new InvalidSearchException("'_include=" + spec + "': '" + targetType + "' is not a resource type");
      }
      Include include = new Include(definition.name(), targetType);
      if (!includes.contains(include)) {
        includes.add(include);
      }
    }
  }

  private void total(String value) {
    total = switch (value.toLowerCase(Locale.ROOT)) {
      case "none" -> TotalMode.NONE;
      case "estimate" -> TotalMode.ESTIMATE;
      case "accurate" -> TotalMode.ACCURATE;
      default -> throw new InvalidSearchException("'_total=" + value + "': expected none, estimate or accurate");
    };
  }

  private static String or(List<String> conditions) {
    return conditions.size() == 1 ? conditions.get(0) : "(" + String.join(" or ", conditions) + ")";
  }

  /** The comma-separated alternatives of one value, empty ones dropped, escapes kept for the caller. */
  private static List<String> orValues(String name, String value) {
    List<String> values = new ArrayList<>();
    int start = 0;
    for (int i = 0; i <= value.length(); i++) {
      if (i == value.length() || (value.charAt(i) == ',' && !escaped(value, i))) {
        String part = value.substring(start, i);
        if (!part.isEmpty()) {
          values.add(part);
        }
        start = i + 1;
      }
    }
    if (values.size() > MAX_VALUES) {
      throw new InvalidSearchException("'" + name + "' has more than " + MAX_VALUES + " alternative values");
    }
    return values;
  }

  private static boolean escaped(String value, int index) {
    int backslashes = 0;
    for (int i = index - 1; i >= 0 && value.charAt(i) == '\\'; i--) {
      backslashes++;
    }
    return backslashes % 2 == 1;
  }

  private static int indexOfUnescaped(String value, char c) {
    for (int i = 0; i < value.length(); i++) {
      if (value.charAt(i) == c && !escaped(value, i)) {
        return i;
      }
    }
    return -1;
  }

  /** Removes FHIR search escapes: {@code \,} {@code \|} {@code \$} {@code \\}. */
  static String unescape(String value) {
    if (value.indexOf('\\') < 0) {
      return value;
    }
    StringBuilder out = new StringBuilder(value.length());
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (c == '\\' && i + 1 < value.length()) {
        c = value.charAt(++i);
      }
      out.append(c);
    }
    return out.toString();
  }

  /**
   * The least string greater than every string starting with {@code prefix} (code point order = UTF-8
   * byte order, which {@code ~<~} compares), or null when there is none.
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
