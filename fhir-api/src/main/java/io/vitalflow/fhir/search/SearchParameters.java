package io.vitalflow.fhir.search;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.context.RuntimeResourceDefinition;
import ca.uhn.fhir.context.RuntimeSearchParam;
import io.vitalflow.fhir.search.SearchParameterInfo.Type;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * The search parameters {@link SearchIndexer} indexes, per resource type: every search parameter R4
 * defines, read from HAPI's copy of the specification's SearchParameter resources ({@link
 * RuntimeResourceDefinition#getSearchParams()}), with its FHIRPath expression narrowed to the
 * branches of the resource type. Not indexed: {@code _id} and {@code _lastUpdated} (columns of
 * {@code fhir_resource}), the special parameters ({@code near}, {@code _text}, {@code _content},
 * {@code _query}, {@code _list}, {@code _has}) and parameters without an expression.
 */
final class SearchParameters {

  /**
   * @param targets resource types a reference parameter may point at; empty = any
   * @param expression the FHIRPath expression for this resource type (union branches of other types
   *     removed)
   * @param components for a composite parameter: the component expressions (relative to each value
   *     of {@code expression}) and the names of the parameters that define their types
   */
  record Definition(
      String name,
      Type type,
      Set<String> targets,
      String documentation,
      String expression,
      List<Component> components) {

    /** The only target type, or null when there are several or any. */
    String singleTarget() {
      return targets.size() == 1 ? targets.iterator().next() : null;
    }
  }

  /** One component of a composite parameter. */
  record Component(String expression, String parameter) {}

  private static final Set<String> NOT_INDEXED =
      Set.of("_id", "_lastUpdated", "_text", "_content", "_query", "_list", "_has", "_type");
  private static final Pattern INFIX_AS = Pattern.compile("\\(([^()|]+?) as (\\w+)\\)");
  private static final Pattern FUNCTION_AS = Pattern.compile("\\.(?:as|ofType)\\((\\w+)\\)");
  // after the patterns, which build() uses
  private static final Map<String, Map<String, Definition>> BY_TYPE = build();

  private SearchParameters() {}

  /** The definition, or null when {@code name} is not indexed for {@code resourceType}. */
  static Definition find(String resourceType, String name) {
    Map<String, Definition> params = BY_TYPE.get(resourceType);
    return params == null ? null : params.get(name);
  }

  static Collection<Definition> of(String resourceType) {
    return BY_TYPE.getOrDefault(resourceType, Map.of()).values();
  }

  static Set<String> resourceTypes() {
    return BY_TYPE.keySet();
  }

  /**
   * The {@code _revinclude} values a search of {@code targetType} takes, for the
   * CapabilityStatement: {@code Source:param} for every reference parameter of every type that may
   * point at it (its targets name it, or it has none: any type), sorted.
   */
  static List<String> revIncludes(String targetType) {
    List<String> revIncludes = new ArrayList<>();
    for (Map.Entry<String, Map<String, Definition>> source : BY_TYPE.entrySet()) {
      for (Definition definition : source.getValue().values()) {
        if (definition.type() == Type.REFERENCE
            && (definition.targets().isEmpty() || definition.targets().contains(targetType))) {
          revIncludes.add(source.getKey() + ":" + definition.name());
        }
      }
    }
    return List.copyOf(revIncludes);
  }

  private static Map<String, Map<String, Definition>> build() {
    FhirContext context = FhirContext.forR4Cached();
    Map<String, Map<String, Definition>> all = new TreeMap<>();
    for (String type : context.getResourceTypes()) {
      RuntimeResourceDefinition resource = context.getResourceDefinition(type);
      Map<String, Definition> byName = new TreeMap<>();
      for (RuntimeSearchParam param : resource.getSearchParams()) {
        Definition definition = definition(context, type, param);
        if (definition != null) {
          byName.put(definition.name(), definition);
        }
      }
      all.put(type, Collections.unmodifiableMap(new LinkedHashMap<>(byName)));
    }
    return Collections.unmodifiableMap(all);
  }

  private static Definition definition(
      FhirContext context, String resourceType, RuntimeSearchParam param) {
    if (NOT_INDEXED.contains(param.getName()) || param.getParamType() == null) {
      return null;
    }
    Type type;
    try {
      type = Type.valueOf(param.getParamType().name().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      return null; // special, has
    }
    String expression = forType(resourceType, param.getPath());
    if (expression == null) {
      return null;
    }
    expression = typeChecks(expression);
    List<Component> components = new ArrayList<>();
    if (type == Type.COMPOSITE) {
      for (RuntimeSearchParam.Component component : param.getComponents()) {
        String reference = component.getReference();
        String name =
            reference == null ? null : reference.substring(reference.lastIndexOf('/') + 1);
        RuntimeSearchParam target = componentParam(context, resourceType, name);
        if (target == null) {
          return null;
        }
        String componentExpression = component.getExpression();
        if (componentExpression == null || componentExpression.isBlank()) {
          componentExpression = relative(expression, forType(resourceType, target.getPath()));
        }
        if (componentExpression == null) {
          return null;
        }
        components.add(new Component(typeChecks(componentExpression), target.getName()));
      }
      if (components.size() != 2) {
        return null;
      }
    }
    String documentation = param.getDescription() == null ? "" : param.getDescription();
    if (documentation.length() > 300) {
      documentation = documentation.substring(0, 297) + "...";
    }
    return new Definition(
        param.getName(),
        type,
        Set.copyOf(param.getTargets()),
        documentation,
        expression,
        List.copyOf(components));
  }

  /**
   * The parameter a composite's component refers to: its definition id is {@code Type-name} (e.g.
   * {@code Observation-code}) or {@code clinical-name} for shared ones.
   */
  private static RuntimeSearchParam componentParam(
      FhirContext context, String resourceType, String definitionId) {
    if (definitionId == null) {
      return null;
    }
    for (RuntimeSearchParam candidate :
        context.getResourceDefinition(resourceType).getSearchParams()) {
      if (candidate.getId() != null
          && definitionId.equals(candidate.getId().getIdPart())
          && candidate.getParamType() != null) {
        return candidate;
      }
      String uri = candidate.getUri();
      if (uri != null && uri.endsWith("/" + definitionId)) {
        return candidate;
      }
    }
    int dash = definitionId.indexOf('-');
    return dash < 0
        ? null
        : context
            .getResourceDefinition(resourceType)
            .getSearchParam(definitionId.substring(dash + 1));
  }

  /**
   * The union branches of {@code path} that apply to {@code resourceType} ({@code Type.x}, {@code
   * (Type.x as Y)}, {@code Resource.x}), relative to the resource (the leading type name removed,
   * so the engine never needs type definitions to start), joined with {@code |}; null when none
   * does.
   */
  static String forType(String resourceType, String path) {
    if (path == null || path.isBlank()) {
      return null;
    }
    List<String> kept = new ArrayList<>();
    for (String branch : unionBranches(path)) {
      String trimmed = branch.trim();
      String start = trimmed;
      while (start.startsWith("(")) {
        start = start.substring(1).trim();
      }
      String prefix = trimmed.substring(0, trimmed.length() - start.length());
      for (String root : List.of(resourceType, "Resource", "DomainResource")) {
        if (start.equals(root)) {
          kept.add(prefix + "$this" + start.substring(root.length()));
          break;
        }
        if (start.startsWith(root + ".")) {
          kept.add(prefix + start.substring(root.length() + 1));
          break;
        }
      }
    }
    return kept.isEmpty() ? null : String.join(" | ", kept);
  }

  /**
   * {@code (x as T)}, {@code x.as(T)} and {@code x.ofType(T)} rewritten as {@code x.where($this is
   * T)}: the R4 engine checks the type names of {@code as} and {@code ofType} against
   * StructureDefinitions that are not on the classpath (the validation resources are a large jar),
   * while {@code is} compares the element's own type name.
   */
  static String typeChecks(String expression) {
    String rewritten = INFIX_AS.matcher(expression).replaceAll("($1).where(\\$this is $2)");
    return FUNCTION_AS.matcher(rewritten).replaceAll(".where(\\$this is $1)");
  }

  /**
   * The expression of a composite's component, relative to the composite's elements: the component
   * parameter's own expression with the composite's path ({@code component.}) removed; null when it
   * does not start with it.
   */
  private static String relative(String base, String component) {
    if (component == null) {
      return null;
    }
    if (base.equals("$this")) {
      return component;
    }
    String prefix = base + ".";
    List<String> parts = new ArrayList<>();
    for (String branch : unionBranches(component)) {
      String trimmed = branch.trim();
      String start = trimmed;
      while (start.startsWith("(")) {
        start = start.substring(1).trim();
      }
      if (!start.startsWith(prefix)) {
        return null;
      }
      parts.add(trimmed.replaceFirst(Pattern.quote(prefix), ""));
    }
    return String.join(" | ", parts);
  }

  /** Splits {@code path} at the {@code |} outside parentheses and quotes. */
  private static List<String> unionBranches(String path) {
    List<String> branches = new ArrayList<>();
    int depth = 0;
    boolean quoted = false;
    int start = 0;
    for (int i = 0; i < path.length(); i++) {
      char c = path.charAt(i);
      if (c == '\'') {
        quoted = !quoted;
      } else if (!quoted && c == '(') {
        depth++;
      } else if (!quoted && c == ')') {
        depth--;
      } else if (!quoted && depth == 0 && c == '|') {
        branches.add(path.substring(start, i));
        start = i + 1;
      }
    }
    branches.add(path.substring(start));
    return branches;
  }

  /**
   * The CapabilityStatement's view: R4 has no element for a parameter's modifiers, so they end its
   * documentation ({@code Modifiers: :missing, :not, :text}).
   */
  static List<SearchParameterInfo> infos(String resourceType) {
    return of(resourceType).stream()
        .map(
            d ->
                new SearchParameterInfo(
                    d.name(),
                    d.type(),
                    (d.documentation().isEmpty() ? "" : d.documentation() + " ")
                        + "Modifiers: "
                        + modifiers(d.type())))
        .toList();
  }

  /** The modifiers the search supports on a parameter type. */
  static String modifiers(Type type) {
    return switch (type) {
      case STRING -> ":missing, :exact, :contains, :text";
      case TOKEN -> ":missing, :not, :text, :of-type (identifiers)";
      case REFERENCE -> ":missing, :[type], :identifier; chains and _has";
      case URI -> ":missing, :below, :above";
      case DATE, NUMBER, QUANTITY -> ":missing; prefixes eq ne gt lt ge le sa eb ap";
      case COMPOSITE -> ":missing";
    };
  }
}
