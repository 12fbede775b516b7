package io.vitalflow.fhir.search;

import static io.vitalflow.fhir.search.SearchParameterInfo.Type.DATE;
import static io.vitalflow.fhir.search.SearchParameterInfo.Type.REFERENCE;
import static io.vitalflow.fhir.search.SearchParameterInfo.Type.STRING;
import static io.vitalflow.fhir.search.SearchParameterInfo.Type.TOKEN;

import io.vitalflow.fhir.search.SearchParameterInfo.Type;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The search parameters {@link SearchIndexer} indexes, per resource type: names, types and
 * reference targets follow the R4 definitions (a test compares them with HAPI's).
 */
final class SearchParameters {

  /**
   * @param targets resource types a reference parameter may point at; empty = any
   */
  record Definition(String name, Type type, Set<String> targets, String documentation) {

    /** The only target type, or null when there are several or any. */
    String singleTarget() {
      return targets.size() == 1 ? targets.iterator().next() : null;
    }
  }

  private static final Set<String> PATIENT = Set.of("Patient");
  private static final Set<String> PATIENT_GROUP = Set.of("Patient", "Group");
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

  private static Map<String, Map<String, Definition>> build() {
    Map<String, Map<String, Definition>> all = new LinkedHashMap<>();
    all.put(
        "Patient",
        params(
            identifier("Patient"),
            string("name", "A portion of the family, given, prefix, suffix or text of a name"),
            string("family", "A portion of the family name"),
            string("given", "A portion of a given name"),
            date("birthdate", "The date of birth"),
            token("gender", "Gender (administrative-gender code)"),
            token("active", "Whether the record is active"),
            reference(
                "general-practitioner",
                Set.of("Practitioner", "Organization", "PractitionerRole"),
                "The patient's nominated general practitioner"),
            reference(
                "organization",
                Set.of("Organization"),
                "The organization that is the custodian of the record")));
    all.put(
        "Practitioner",
        params(
            identifier("Practitioner"),
            string("name", "A portion of the family, given, prefix, suffix or text of a name"),
            string("family", "A portion of the family name"),
            string("given", "A portion of a given name")));
    all.put(
        "Organization",
        params(
            identifier("Organization"),
            string("name", "A portion of the organization's name or alias")));
    all.put(
        "Location",
        params(
            identifier("Location"), string("name", "A portion of the location's name or alias")));
    all.put(
        "Observation",
        params(
            identifier("Observation"),
            reference(
                "subject",
                Set.of("Patient", "Group", "Device", "Location"),
                "The subject of the observation"),
            patient("The subject of the observation, if a patient"),
            token("code", "The code of the observation"),
            token("category", "The classification of the observation"),
            token("status", "The status of the observation"),
            date("date", "Clinically relevant time or period (effective[x])"),
            reference(
                "encounter",
                Set.of("Encounter"),
                "The encounter during which the observation was made")));
    all.put(
        "MedicationRequest",
        params(
            identifier("MedicationRequest"),
            reference("subject", PATIENT_GROUP, "The subject of the prescription"),
            patient("The subject of the prescription, if a patient"),
            token("status", "Status of the prescription"),
            token("intent", "Intent of the prescription"),
            token("code", "Code of the medication (medicationCodeableConcept)"),
            date("authoredon", "When the prescription was initially authored"),
            reference(
                "requester",
                Set.of(
                    "Practitioner",
                    "Organization",
                    "Patient",
                    "PractitionerRole",
                    "Device",
                    "RelatedPerson"),
                "Who ordered the medication"),
            reference("encounter", Set.of("Encounter"), "The encounter of the prescription")));
    all.put(
        "Encounter",
        params(
            identifier("Encounter"),
            reference("subject", PATIENT_GROUP, "The patient or group present at the encounter"),
            patient("The patient present at the encounter"),
            token("status", "Status of the encounter"),
            token("class", "Classification of the encounter"),
            date("date", "The period of the encounter")));
    all.put(
        "Condition",
        params(
            identifier("Condition"),
            reference("subject", PATIENT_GROUP, "Who has the condition"),
            patient("Who has the condition, if a patient"),
            token("code", "Code of the condition"),
            token("category", "The category of the condition"),
            token("clinical-status", "The clinical status of the condition"),
            reference(
                "encounter", Set.of("Encounter"), "The encounter the condition was asserted in")));
    all.put(
        "AllergyIntolerance",
        params(
            identifier("AllergyIntolerance"),
            patient("Who the sensitivity is for"),
            token("code", "Code of the allergy or intolerance"),
            token("clinical-status", "The clinical status of the allergy or intolerance")));
    all.put(
        "DetectedIssue",
        params(
            identifier("DetectedIssue"),
            patient("The patient the issue is associated with"),
            token("code", "The issue category"),
            reference("implicated", Set.of(), "A resource the issue refers to")));
    return Map.copyOf(all);
  }

  private static Map<String, Definition> params(Definition... definitions) {
    Map<String, Definition> byName = new LinkedHashMap<>();
    for (Definition definition : definitions) {
      byName.put(definition.name(), definition);
    }
    return java.util.Collections.unmodifiableMap(byName);
  }

  private static Definition identifier(String resourceType) {
    return token("identifier", "An identifier of the " + resourceType + " (system|value)");
  }

  private static Definition patient(String documentation) {
    return reference("patient", PATIENT, documentation);
  }

  private static Definition token(String name, String documentation) {
    return new Definition(name, TOKEN, Set.of(), documentation);
  }

  private static Definition string(String name, String documentation) {
    return new Definition(name, STRING, Set.of(), documentation);
  }

  private static Definition date(String name, String documentation) {
    return new Definition(name, DATE, Set.of(), documentation);
  }

  private static Definition reference(String name, Set<String> targets, String documentation) {
    return new Definition(name, REFERENCE, Set.copyOf(targets), documentation);
  }

  static List<SearchParameterInfo> infos(String resourceType) {
    return of(resourceType).stream()
        .map(d -> new SearchParameterInfo(d.name(), d.type(), d.documentation()))
        .toList();
  }
}
