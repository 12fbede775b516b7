package io.vitalflow.fhir.search;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.context.BaseRuntimeChildDefinition;
import ca.uhn.fhir.context.BaseRuntimeElementCompositeDefinition;
import ca.uhn.fhir.context.BaseRuntimeElementDefinition;
import ca.uhn.fhir.context.FhirContext;
import io.vitalflow.fhir.Unsecured;
import java.lang.reflect.ParameterizedType;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.hl7.fhir.instance.model.api.IBase;
import org.hl7.fhir.r4.model.Address;
import org.hl7.fhir.r4.model.Base;
import org.hl7.fhir.r4.model.BaseDateTimeType;
import org.hl7.fhir.r4.model.BooleanType;
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

/**
 * A search conformance suite generated from the R4 SearchParameter definitions ({@link
 * SearchParameters}): for every non-composite parameter of the 30 most used resource types whose
 * expression is an element path ({@code a.b.c}, optionally with a type check), a resource with a
 * value there (variant 1) and one with another value (variant 2) are stored in a real PostgreSQL;
 * the search for variant 1's value must find the first and not the second. Values are chosen by the
 * element's type; the search value is written from the value that was set. Parameters whose
 * expressions cannot be filled generically (functions other than type checks, extensions) are
 * counted and listed when the test runs.
 */
class SearchConformanceTest {

  /** The most used R4 resource types (Synthea, US Core and the vital-signs flows). */
  static final List<String> TYPES =
      List.of(
          "Patient",
          "Observation",
          "Encounter",
          "Condition",
          "Procedure",
          "MedicationRequest",
          "MedicationAdministration",
          "MedicationStatement",
          "Medication",
          "Immunization",
          "AllergyIntolerance",
          "DiagnosticReport",
          "DocumentReference",
          "CarePlan",
          "CareTeam",
          "Goal",
          "Practitioner",
          "PractitionerRole",
          "Organization",
          "Location",
          "Device",
          "Claim",
          "ExplanationOfBenefit",
          "Coverage",
          "ServiceRequest",
          "Appointment",
          "Questionnaire",
          "QuestionnaireResponse",
          "RelatedPerson",
          "Provenance");

  private static final Pattern PATH =
      Pattern.compile("([a-z][A-Za-z]*(?:\\.[a-z][A-Za-z]*)*)(?:\\.where\\(\\$this is (\\w+)\\))?");
  private static final Pattern TYPE_CHECK =
      Pattern.compile("\\(([a-z][A-Za-z.]*)\\)\\.where\\(\\$this is (\\w+)\\)");
  private static final Instant T0 = Instant.parse("2024-01-01T00:00:00Z");
  private static final FhirContext FHIR = FhirContext.forR4Cached();
  private static SearchDatabase database;
  private static ResourceSearch search;

  private record Case(String type, String param, String query, String match, String other) {}

  private static final List<Case> CASES = new ArrayList<>();
  private static final List<String> SKIPPED = new ArrayList<>();

  @BeforeAll
  static void load() {
    database = new SearchDatabase("search-conformance");
    search = new ResourceSearch(database.client());
    SearchIndexer indexer = new SearchIndexer();
    int n = 0;
    List<Resource> resources = new ArrayList<>();
    for (String type : TYPES) {
      for (SearchParameters.Definition definition : SearchParameters.of(type)) {
        if (definition.type() == SearchParameterInfo.Type.COMPOSITE) {
          continue;
        }
        String label = type + "." + definition.name();
        Resource match = filled(type, definition, 1);
        Resource other = filled(type, definition, 2);
        if (match == null || other == null) {
          SKIPPED.add(label);
          continue;
        }
        String query = query(definition, indexer.extract(match));
        if (query == null) {
          SKIPPED.add(label + " (nothing indexed)");
          continue;
        }
        n++;
        match.setId("m" + n);
        other.setId("o" + n);
        resources.add(match);
        resources.add(other);
        CASES.add(new Case(type, definition.name(), query, "m" + n, "o" + n));
      }
    }
    database.store(T0, resources.toArray(Resource[]::new));
  }

  @AfterAll
  static void close() {
    database.close();
  }

  @Test
  void everyGeneratedParameterFindsItsMatchAndNotTheOther() {
    System.out.printf(
        "search conformance: %d parameters checked, %d not generated: %s%n",
        CASES.size(), SKIPPED.size(), SKIPPED);
    assertThat(CASES.size()).as("parameters checked").isGreaterThan(400);
    List<String> failures = new ArrayList<>();
    for (Case c : CASES) {
      Map<String, List<String>> parameters = new LinkedHashMap<>();
      parameters.put(c.param(), List.of(c.query()));
      List<String> ids =
          ResourceSearchTest.idsOf(
              search
                  .search(new SearchRequest(c.type(), parameters, 1000, 0, true))
                  .contextWrite(Unsecured.context())
                  .block()
                  .matches());
      if (!ids.contains(c.match()) || ids.contains(c.other())) {
        failures.add(c.type() + "?" + c.param() + "=" + c.query() + " -> " + ids);
      }
    }
    assertThat(failures).isEmpty();
  }

  /**
   * A resource of {@code type} with a value of variant {@code variant} where the parameter reads.
   */
  private static Resource filled(String type, SearchParameters.Definition definition, int variant) {
    String expression = definition.expression().split(" \\| ")[0].trim();
    Matcher checked = TYPE_CHECK.matcher(expression);
    String path;
    String typeName;
    if (checked.matches()) {
      path = checked.group(1);
      typeName = checked.group(2);
    } else {
      Matcher plain = PATH.matcher(expression);
      if (!plain.matches()) {
        return null;
      }
      path = plain.group(1);
      typeName = plain.group(2);
    }
    Resource resource = (Resource) FHIR.getResourceDefinition(type).newInstance();
    try {
      IBase parent = resource;
      String[] steps = path.split("\\.");
      for (int i = 0; i < steps.length; i++) {
        BaseRuntimeElementCompositeDefinition<?> parentDefinition =
            (BaseRuntimeElementCompositeDefinition<?>) FHIR.getElementDefinition(parent.getClass());
        BaseRuntimeChildDefinition child = parentDefinition.getChildByName(steps[i]);
        String childName = steps[i];
        if (child == null) {
          child = parentDefinition.getChildByName(steps[i] + "[x]");
          if (child == null || typeName == null || i != steps.length - 1) {
            return null;
          }
          childName = steps[i] + Character.toUpperCase(typeName.charAt(0)) + typeName.substring(1);
        }
        BaseRuntimeElementDefinition<?> elementDefinition = child.getChildByName(childName);
        if (elementDefinition == null) {
          return null;
        }
        IBase element = elementDefinition.newInstance(child.getInstanceConstructorArguments());
        child.getMutator().addValue(parent, element);
        parent = element;
      }
      return fill((Base) parent, definition, variant) ? resource : null;
    } catch (RuntimeException e) {
      return null;
    }
  }

  /** Sets a value of the element's type; false when the type is not one this suite fills. */
  private static boolean fill(Base element, SearchParameters.Definition definition, int variant) {
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
      contact.setSystem(ContactPoint.ContactPointSystem.PHONE).setValue("555-000" + variant);
    } else if (element instanceof Reference reference) {
      String target =
          definition.targets().isEmpty()
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
