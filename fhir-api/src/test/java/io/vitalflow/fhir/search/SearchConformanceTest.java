package io.vitalflow.fhir.search;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.context.BaseRuntimeChildDefinition;
import ca.uhn.fhir.context.BaseRuntimeElementCompositeDefinition;
import ca.uhn.fhir.context.BaseRuntimeElementDefinition;
import ca.uhn.fhir.context.FhirContext;
import io.vitalflow.fhir.ReadOnlyServer;
import java.lang.reflect.ParameterizedType;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.hl7.fhir.instance.model.api.IBase;
import org.hl7.fhir.r4.model.Address;
import org.hl7.fhir.r4.model.Base;
import org.hl7.fhir.r4.model.BaseDateTimeType;
import org.hl7.fhir.r4.model.BooleanType;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.ContactPoint;
import org.hl7.fhir.r4.model.DecimalType;
import org.hl7.fhir.r4.model.EnumFactory;
import org.hl7.fhir.r4.model.Enumeration;
import org.hl7.fhir.r4.model.HumanName;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.IntegerType;
import org.hl7.fhir.r4.model.Money;
import org.hl7.fhir.r4.model.Period;
import org.hl7.fhir.r4.model.PrimitiveType;
import org.hl7.fhir.r4.model.Quantity;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Resource;
import org.hl7.fhir.r4.model.UriType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.test.web.reactive.server.WebTestClient;

/**
 * A search conformance suite generated from the R4 SearchParameter definitions ({@link
 * SearchParameters}), checked through the HTTP API: for every parameter of every resource type
 * whose expression is an element path ({@code a.b.c}, optionally with a type check), a resource
 * with a value there (variant 1) and one with another value (variant 2) are stored in a real
 * PostgreSQL; {@code GET /fhir/[type]?[param]=[variant 1's value]} must find the first and not the
 * second. Composite parameters get a third resource that holds both values of each component, but
 * crossed over two elements (component 1 of variant 1 beside component 2 of variant 2): a composite
 * must not match it. Values are chosen by the element's type; the search value is written from the
 * value that was set. Parameters whose expressions cannot be filled generically (functions other
 * than type checks, extensions) are counted and listed when the test runs.
 */
class SearchConformanceTest {

  /**
   * One step of a path: an element name (optionally {@code [0]}), optionally narrowed by {@code
   * .where(resolve() is X)}, {@code .where(field='value')} or {@code .where($this is X)}.
   */
  private static final Pattern STEP =
      Pattern.compile(
          "([a-z][A-Za-z]*)(?:\\[0\\])?(?:\\.where\\((?:resolve\\(\\) is (\\w+)|(\\w+)='([^']*)'|\\$this"
              + " is (\\w+))\\))?(\\.|$)");

  private static final Pattern PARENTHESISED = Pattern.compile("\\(([a-z][A-Za-z.]*)\\)(\\..*)");
  private static final Instant T0 = Instant.parse("2024-01-01T00:00:00Z");
  private static final FhirContext FHIR = FhirContext.forR4Cached();
  private static SearchDatabase database;
  private static ReadOnlyServer server;

  /**
   * One parameter's check.
   *
   * @param others ids that must not be found
   */
  private record Case(String type, String param, String query, String match, List<String> others) {}

  private static final List<Case> CASES = new ArrayList<>();
  private static final List<String> SKIPPED = new ArrayList<>();

  @BeforeAll
  static void load() {
    database = new SearchDatabase("search-conformance");
    List<Resource> resources = new ArrayList<>();
    for (String type : SearchParameters.resourceTypes()) {
      if (type.equals("AuditEvent")) {
        // served from the audit trail with its own parameters (docs/security.md), not the store
        continue;
      }
      for (SearchParameters.Definition definition : SearchParameters.of(type)) {
        String label = type + "." + definition.name();
        boolean composite = definition.type() == SearchParameterInfo.Type.COMPOSITE;
        Resource match =
            composite ? composite(type, definition, 1, 1) : filled(type, definition, 1);
        Resource other =
            composite ? composite(type, definition, 2, 2) : filled(type, definition, 2);
        Resource crossed = composite ? composite(type, definition, 1, 2) : null;
        if (match == null || other == null || composite && crossed == null) {
          SKIPPED.add(label);
          continue;
        }
        String query =
            composite ? compositeQuery(type, definition, match) : query(definition, extract(match));
        if (query == null) {
          SKIPPED.add(label + " (nothing indexed)");
          continue;
        }
        int n = CASES.size() + 1;
        match.setId("m" + n);
        other.setId("o" + n);
        resources.add(match);
        resources.add(other);
        List<String> others = new ArrayList<>(List.of("o" + n));
        if (crossed != null) {
          crossed.setId("x" + n);
          resources.add(crossed);
          others.add("x" + n);
        }
        CASES.add(new Case(type, definition.name(), query, "m" + n, others));
      }
    }
    database.store(T0, resources.toArray(Resource[]::new));
    server = ReadOnlyServer.start(database.coordinates());
  }

  private static final SearchIndexer INDEXER = new SearchIndexer();

  private static IndexEntries extract(Resource resource) {
    return INDEXER.extract(resource);
  }

  @AfterAll
  static void close() {
    server.close();
    database.close();
  }

  @Test
  void everyGeneratedParameterFindsItsMatchAndNotTheOther() {
    long composites = CASES.stream().filter(c -> c.others().size() > 1).count();
    long types = CASES.stream().map(Case::type).distinct().count();
    System.out.printf(
        "search conformance: %d parameters of %d types checked over HTTP (%d composite), %d not"
            + " generated: %s%n",
        CASES.size(), types, composites, SKIPPED.size(), SKIPPED);
    assertThat(types).as("resource types checked").isGreaterThan(140);
    assertThat(CASES.size()).as("parameters checked").isGreaterThan(1500);
    assertThat(composites).as("composite parameters checked").isGreaterThan(60);
    WebTestClient client = server.client();
    List<String> failures = new ArrayList<>();
    for (Case c : CASES) {
      String body =
          client
              .get()
              .uri(
                  builder ->
                      builder
                          .path("/fhir/{type}")
                          .queryParam(c.param(), "{value}")
                          .queryParam("_count", "1000")
                          .queryParam("_elements", "id")
                          .build(c.type(), c.query()))
              .exchange()
              .expectBody(String.class)
              .returnResult()
              .getResponseBody();
      List<String> ids = ids(body);
      if (ids == null || !ids.contains(c.match()) || c.others().stream().anyMatch(ids::contains)) {
        failures.add(
            c.type()
                + "?"
                + c.param()
                + "="
                + c.query()
                + " -> "
                + (ids == null ? abbreviate(body) : ids));
      }
    }
    assertThat(failures).isEmpty();
  }

  /** The ids of a search Bundle's matches, or null when the answer is not a Bundle. */
  private static List<String> ids(String body) {
    if (body == null || !body.contains("\"resourceType\":\"Bundle\"")) {
      return null;
    }
    Bundle bundle = FHIR.newJsonParser().parseResource(Bundle.class, body);
    return bundle.getEntry().stream()
        .filter(entry -> entry.getSearch().getMode() == Bundle.SearchEntryMode.MATCH)
        .map(entry -> entry.getResource().getIdElement().getIdPart())
        .toList();
  }

  private static String abbreviate(String body) {
    return body == null || body.length() < 300 ? body : body.substring(0, 300) + "...";
  }

  /**
   * A resource with the composite's components filled: one base element with component 1 of variant
   * {@code first} and component 2 (and further) of variant {@code second}; when they differ, a
   * second base element with them the other way round (the crossed resource). Null when a component
   * cannot be filled, or when the base is the resource itself and the variants differ.
   */
  private static Resource composite(
      String type, SearchParameters.Definition definition, int first, int second) {
    String base = definition.expression().split(" \\| ")[0].trim();
    Resource resource = (Resource) FHIR.getResourceDefinition(type).newInstance();
    boolean self = base.equals("$this") || base.equals(type);
    if (self && first != second) {
      return null;
    }
    try {
      if (!fillComponents(
          type, definition, self ? resource : create(resource, base), first, second)) {
        return null;
      }
      if (first != second
          && !fillComponents(type, definition, create(resource, base), second, first)) {
        return null;
      }
      return resource;
    } catch (RuntimeException e) {
      return null;
    }
  }

  private static boolean fillComponents(
      String type, SearchParameters.Definition definition, IBase base, int first, int rest) {
    if (base == null) {
      return false;
    }
    List<SearchParameters.Component> components = definition.components();
    for (int i = 0; i < components.size(); i++) {
      SearchParameters.Definition component =
          SearchParameters.find(type, components.get(i).parameter());
      Leaf leaf =
          component == null ? null : create(base, components.get(i).expression(), component);
      if (leaf == null
          || !fill((Base) leaf.element(), component, i == 0 ? first : rest, leaf.targetType())) {
        return false;
      }
    }
    return true;
  }

  /** The composite's search value: each component's value as its own parameter writes it. */
  private static String compositeQuery(
      String type, SearchParameters.Definition definition, Resource match) {
    IndexEntries entries = extract(match);
    List<String> values = new ArrayList<>();
    for (SearchParameters.Component component : definition.components()) {
      SearchParameters.Definition parameter = SearchParameters.find(type, component.parameter());
      String value = parameter == null ? null : query(parameter, entries);
      if (value == null) {
        return null;
      }
      values.add(value.replace("$", "\\$"));
    }
    return String.join("$", values);
  }

  /**
   * A resource of {@code type} with a value of variant {@code variant} where the parameter reads.
   */
  private static Resource filled(String type, SearchParameters.Definition definition, int variant) {
    Resource resource = (Resource) FHIR.getResourceDefinition(type).newInstance();
    try {
      Leaf leaf = create(resource, definition.expression(), definition);
      return leaf != null && fill((Base) leaf.element(), definition, variant, leaf.targetType())
          ? resource
          : null;
    } catch (RuntimeException e) {
      return null;
    }
  }

  /** The element made for a parameter, and the target type a {@code resolve() is X} asked for. */
  private record Leaf(IBase element, String targetType) {}

  /**
   * Adds the element the first alternative of {@code expression} names under {@code parent} and
   * answers it; null when the expression is not a path this suite understands. A choice element
   * without a type check gets the type the parameter's type suggests.
   */
  private static Leaf create(
      IBase parent, String expression, SearchParameters.Definition definition) {
    String path = expression.split(" \\| ")[0].trim();
    Matcher parenthesised = PARENTHESISED.matcher(path);
    if (parenthesised.matches()) {
      path = parenthesised.group(1) + parenthesised.group(2);
    }
    String target = null;
    int at = 0;
    Matcher step = STEP.matcher(path);
    while (at < path.length()) {
      if (!step.find(at) || step.start() != at) {
        return null;
      }
      String name = step.group(1);
      boolean last = step.group(6).isEmpty();
      String typeName = step.group(5);
      if (typeName == null && last) {
        typeName = choiceType(definition);
      }
      IBase element = child(parent, name, typeName);
      if (element == null) {
        return null;
      }
      if (step.group(3) != null
          && child(element, step.group(3), null) instanceof PrimitiveType<?> field) {
        field.setValueAsString(step.group(4));
      } else if (step.group(3) != null) {
        return null;
      }
      if (step.group(2) != null) {
        target = step.group(2);
      }
      parent = element;
      at = step.end();
    }
    return new Leaf(parent, target);
  }

  private static IBase create(IBase parent, String expression) {
    Leaf leaf = create(parent, expression, null);
    return leaf == null ? null : leaf.element();
  }

  /** Adds child {@code name} (or {@code name[x]} of type {@code typeName}) to {@code parent}. */
  private static IBase child(IBase parent, String name, String typeName) {
    BaseRuntimeElementCompositeDefinition<?> parentDefinition =
        (BaseRuntimeElementCompositeDefinition<?>) FHIR.getElementDefinition(parent.getClass());
    BaseRuntimeChildDefinition child = parentDefinition.getChildByName(name);
    String childName = name;
    if (child == null) {
      child = parentDefinition.getChildByName(name + "[x]");
      if (child == null || typeName == null) {
        return null;
      }
      List<String> names = new ArrayList<>();
      for (String candidate : typeName.split("\\|")) {
        names.add(name + Character.toUpperCase(candidate.charAt(0)) + candidate.substring(1));
      }
      childName = String.join("|", names);
    }
    BaseRuntimeElementDefinition<?> elementDefinition = null;
    for (String candidate : childName.split("\\|")) {
      if (!candidate.contains("|") && child.getValidChildNames().contains(candidate)) {
        elementDefinition = child.getChildByName(candidate);
        break;
      }
    }
    if (elementDefinition == null) {
      return null;
    }
    IBase element = elementDefinition.newInstance(child.getInstanceConstructorArguments());
    child.getMutator().addValue(parent, element);
    return element;
  }

  /** The type of a choice element that a parameter of this type reads. */
  private static String choiceType(SearchParameters.Definition definition) {
    if (definition == null) {
      return null;
    }
    return switch (definition.type()) {
      case DATE -> "dateTime|Period|Timing|instant|date";
      case STRING -> "string";
      case TOKEN -> "CodeableConcept|Coding|Identifier|code|boolean";
      case REFERENCE -> "Reference|canonical";
      case QUANTITY -> "Quantity";
      case NUMBER -> "decimal|integer";
      case URI -> "uri|canonical|url";
      case COMPOSITE -> null;
    };
  }

  /** Sets a value of the element's type; false when the type is not one this suite fills. */
  private static boolean fill(
      Base element, SearchParameters.Definition definition, int variant, String targetType) {
    String word = variant == 1 ? "Conformance" : "Different";
    if (element instanceof HumanName name) {
      name.setFamily(word);
    } else if (element instanceof Address address) {
      address
          .addLine(word)
          .setCity(word)
          .setCountry(word)
          .setState(word)
          .setDistrict(word)
          .setPostalCode(word);
    } else if (element instanceof CodeableConcept concept) {
      concept.addCoding(new Coding("http://example.org/cs", "c" + variant, word)).setText(word);
    } else if (element instanceof Coding coding) {
      coding.setSystem("http://example.org/cs").setCode("c" + variant);
    } else if (element instanceof Identifier identifier) {
      identifier.setSystem("http://example.org/id").setValue("i" + variant);
    } else if (element instanceof ContactPoint contact) {
      if (!contact.hasSystem()) { // telecom.where(system='email') set it already
        contact.setSystem(ContactPoint.ContactPointSystem.PHONE);
      }
      contact.setValue("555-000" + variant);
    } else if (element instanceof Reference reference) {
      String target =
          targetType != null
              ? targetType
              : definition.targets().isEmpty()
                  ? "Patient"
                  : definition.targets().stream().sorted().findFirst().orElseThrow();
      reference.setReference(target + "/t" + variant);
    } else if (element instanceof Period period) {
      String date = variant == 1 ? "2021-03-04" : "2019-07-08";
      period
          .setStartElement(new org.hl7.fhir.r4.model.DateTimeType(date))
          .setEndElement(new org.hl7.fhir.r4.model.DateTimeType(date));
    } else if (element instanceof BaseDateTimeType date) {
      date.setValueAsString(variant == 1 ? "2021-03-04" : "2019-07-08");
    } else if (element instanceof Money money) {
      money.setValue(variant == 1 ? 7 : 9).setCurrency("EUR");
    } else if (element instanceof Quantity quantity) {
      quantity
          .setValue(new BigDecimal(variant == 1 ? "7" : "9"))
          .setSystem(Ucum.SYSTEM)
          .setCode("mg");
    } else if (element instanceof DecimalType decimal) {
      decimal.setValue(new BigDecimal(variant == 1 ? "7" : "9"));
    } else if (element instanceof IntegerType integer) {
      integer.setValue(variant == 1 ? 7 : 9);
    } else if (element instanceof BooleanType bool) {
      bool.setValue(variant == 1);
    } else if (element instanceof Enumeration<?> enumeration) {
      String code = enumCode(enumeration, variant);
      if (code == null) {
        return false;
      }
      enumeration.setValueAsString(code);
    } else if (element instanceof UriType uri) {
      uri.setValue("http://example.org/" + word);
    } else if (element instanceof PrimitiveType<?> primitive) {
      primitive.setValueAsString(word);
    } else {
      return false;
    }
    return true;
  }

  /** The {@code variant}-th code of an enumeration's value set. */
  private static String enumCode(Enumeration<?> enumeration, int variant) {
    EnumFactory<?> factory = enumeration.getEnumFactory();
    for (var type : factory.getClass().getGenericInterfaces()) {
      if (type instanceof ParameterizedType parameterized
          && parameterized.getActualTypeArguments()[0] instanceof Class<?> enumClass
          && enumClass.isEnum()) {
        List<String> codes = new ArrayList<>();
        for (Object constant : enumClass.getEnumConstants()) {
          if (!((Enum<?>) constant).name().equals("NULL")) {
            @SuppressWarnings({"unchecked", "rawtypes"})
            String code = ((EnumFactory) factory).toCode((Enum) constant);
            codes.add(code);
          }
        }
        return codes.size() < variant ? null : codes.get(variant - 1);
      }
    }
    return null;
  }

  /** The search value for the first indexed value of the parameter. */
  private static String query(SearchParameters.Definition definition, IndexEntries entries) {
    String name = definition.name();
    return switch (definition.type()) {
      case TOKEN ->
          entries.tokens().stream()
              .filter(t -> t.param().equals(name))
              .findFirst()
              .map(t -> (t.system() == null ? "" : t.system() + "|") + t.code())
              .orElse(null);
      case STRING ->
          entries.strings().stream()
              .filter(t -> t.param().equals(name))
              .findFirst()
              .map(IndexEntries.Text::value)
              .orElse(null);
      case REFERENCE ->
          entries.references().stream()
              .filter(r -> r.param().equals(name))
              .findFirst()
              .map(r -> r.targetType() + "/" + r.targetId())
              .or(
                  // a canonical reference: searched by its URL
                  () ->
                      entries.uris().stream()
                          .filter(u -> u.param().equals(name))
                          .findFirst()
                          .map(IndexEntries.Uri::uri))
              .orElse(null);
      case DATE ->
          entries.dates().stream()
              .filter(d -> d.param().equals(name))
              .findFirst()
              .map(d -> "2021-03-04")
              .orElse(null);
      case NUMBER ->
          entries.numbers().stream()
              .filter(d -> d.param().equals(name))
              .findFirst()
              .map(d -> d.value().toPlainString())
              .orElse(null);
      case QUANTITY ->
          entries.quantities().stream()
              .filter(d -> d.param().equals(name))
              .findFirst()
              .map(
                  q ->
                      q.value().toPlainString()
                          + "|"
                          + (q.system() == null ? "" : q.system())
                          + "|"
                          + (q.code() == null ? "" : q.code()))
              .orElse(null);
      case URI ->
          entries.uris().stream()
              .filter(d -> d.param().equals(name))
              .findFirst()
              .map(IndexEntries.Uri::uri)
              .orElse(null);
      case COMPOSITE -> null;
    };
  }
}
