package io.vitalflow.fhir.search;

import io.vitalflow.fhir.search.IndexEntries.DateRange;
import io.vitalflow.fhir.search.IndexEntries.Text;
import io.vitalflow.fhir.search.IndexEntries.Token;
import java.text.Normalizer;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.AllergyIntolerance;
import org.hl7.fhir.r4.model.BaseDateTimeType;
import org.hl7.fhir.r4.model.BooleanType;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Condition;
import org.hl7.fhir.r4.model.DetectedIssue;
import org.hl7.fhir.r4.model.Encounter;
import org.hl7.fhir.r4.model.Enumeration;
import org.hl7.fhir.r4.model.HumanName;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Location;
import org.hl7.fhir.r4.model.MedicationRequest;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Organization;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Period;
import org.hl7.fhir.r4.model.Practitioner;
import org.hl7.fhir.r4.model.PrimitiveType;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.StringType;
import org.hl7.fhir.r4.model.Type;

/**
 * Extracts the search index entries of an R4 resource: hand-written over the model classes for the
 * parameters in {@link SearchParameters}. Only reads the resource (uses {@code hasX()} before
 * {@code getX()}, which would add empty elements), so it is thread-safe as long as nobody writes
 * the resource meanwhile. Values it cannot index (a malformed date, a reference without type and
 * several possible targets, a contained or conditional reference) are skipped.
 */
public final class SearchIndexer {

  private static final Pattern MARKS = Pattern.compile("\\p{M}+");
  private static final Pattern RESOURCE_TYPE = Pattern.compile("[A-Z][A-Za-z]+");
  private static final Pattern RESOURCE_ID = Pattern.compile("[A-Za-z0-9\\-.]{1,64}");

  /** Lower case with accents (combining marks after canonical decomposition) removed. */
  public static String normalise(String value) {
    String decomposed = Normalizer.normalize(value, Normalizer.Form.NFD);
    return MARKS.matcher(decomposed).replaceAll("").toLowerCase(Locale.ROOT);
  }

  public IndexEntries extract(IBaseResource resource) {
    Sink sink = new Sink(resource.fhirType());
    if (resource instanceof Patient patient) {
      patient(patient, sink);
    } else if (resource instanceof Observation observation) {
      observation(observation, sink);
    } else if (resource instanceof MedicationRequest request) {
      medicationRequest(request, sink);
    } else if (resource instanceof Encounter encounter) {
      identifiers(encounter.hasIdentifier() ? encounter.getIdentifier() : List.of(), sink);
      subject(encounter.hasSubject() ? encounter.getSubject() : null, sink);
      code("status", encounter.hasStatusElement() ? encounter.getStatusElement() : null, sink);
      coding("class", encounter.hasClass_() ? encounter.getClass_() : null, sink);
      if (encounter.hasPeriod()) {
        period("date", encounter.getPeriod(), sink);
      }
    } else if (resource instanceof Condition condition) {
      identifiers(condition.hasIdentifier() ? condition.getIdentifier() : List.of(), sink);
      subject(condition.hasSubject() ? condition.getSubject() : null, sink);
      concept("code", condition.hasCode() ? condition.getCode() : null, sink);
      concepts("category", condition.hasCategory() ? condition.getCategory() : List.of(), sink);
      concept(
          "clinical-status",
          condition.hasClinicalStatus() ? condition.getClinicalStatus() : null,
          sink);
      reference("encounter", condition.hasEncounter() ? condition.getEncounter() : null, sink);
    } else if (resource instanceof AllergyIntolerance allergy) {
      identifiers(allergy.hasIdentifier() ? allergy.getIdentifier() : List.of(), sink);
      reference("patient", allergy.hasPatient() ? allergy.getPatient() : null, sink);
      concept("code", allergy.hasCode() ? allergy.getCode() : null, sink);
      concept(
          "clinical-status",
          allergy.hasClinicalStatus() ? allergy.getClinicalStatus() : null,
          sink);
    } else if (resource instanceof DetectedIssue issue) {
      identifiers(issue.hasIdentifier() ? issue.getIdentifier() : List.of(), sink);
      reference("patient", issue.hasPatient() ? issue.getPatient() : null, sink);
      concept("code", issue.hasCode() ? issue.getCode() : null, sink);
      if (issue.hasImplicated()) {
        for (Reference implicated : issue.getImplicated()) {
          reference("implicated", implicated, sink);
        }
      }
    } else if (resource instanceof Practitioner practitioner) {
      identifiers(practitioner.hasIdentifier() ? practitioner.getIdentifier() : List.of(), sink);
      names(practitioner.hasName() ? practitioner.getName() : List.of(), sink);
    } else if (resource instanceof Organization organization) {
      identifiers(organization.hasIdentifier() ? organization.getIdentifier() : List.of(), sink);
      string("name", organization.hasNameElement() ? organization.getNameElement() : null, sink);
      if (organization.hasAlias()) {
        organization.getAlias().forEach(alias -> string("name", alias, sink));
      }
    } else if (resource instanceof Location location) {
      identifiers(location.hasIdentifier() ? location.getIdentifier() : List.of(), sink);
      string("name", location.hasNameElement() ? location.getNameElement() : null, sink);
      if (location.hasAlias()) {
        location.getAlias().forEach(alias -> string("name", alias, sink));
      }
    }
    return sink.entries();
  }

  private static void patient(Patient patient, Sink sink) {
    identifiers(patient.hasIdentifier() ? patient.getIdentifier() : List.of(), sink);
    names(patient.hasName() ? patient.getName() : List.of(), sink);
    date("birthdate", patient.hasBirthDateElement() ? patient.getBirthDateElement() : null, sink);
    code("gender", patient.hasGenderElement() ? patient.getGenderElement() : null, sink);
    if (patient.hasActiveElement()) {
      BooleanType active = patient.getActiveElement();
      if (active.hasValue()) {
        sink.token("active", null, active.getValueAsString());
      }
    }
    if (patient.hasGeneralPractitioner()) {
      patient.getGeneralPractitioner().forEach(gp -> reference("general-practitioner", gp, sink));
    }
    reference(
        "organization",
        patient.hasManagingOrganization() ? patient.getManagingOrganization() : null,
        sink);
  }

  private static void observation(Observation observation, Sink sink) {
    identifiers(observation.hasIdentifier() ? observation.getIdentifier() : List.of(), sink);
    subject(observation.hasSubject() ? observation.getSubject() : null, sink);
    concept("code", observation.hasCode() ? observation.getCode() : null, sink);
    concepts("category", observation.hasCategory() ? observation.getCategory() : List.of(), sink);
    code("status", observation.hasStatusElement() ? observation.getStatusElement() : null, sink);
    reference("encounter", observation.hasEncounter() ? observation.getEncounter() : null, sink);
    if (observation.hasEffective()) {
      Type effective = observation.getEffective();
      if (effective instanceof BaseDateTimeType dateTime) {
        date("date", dateTime, sink);
      } else if (effective instanceof Period period) {
        period("date", period, sink);
      }
    }
  }

  private static void medicationRequest(MedicationRequest request, Sink sink) {
    identifiers(request.hasIdentifier() ? request.getIdentifier() : List.of(), sink);
    subject(request.hasSubject() ? request.getSubject() : null, sink);
    code("status", request.hasStatusElement() ? request.getStatusElement() : null, sink);
    code("intent", request.hasIntentElement() ? request.getIntentElement() : null, sink);
    if (request.hasMedication() && request.getMedication() instanceof CodeableConcept medication) {
      concept("code", medication, sink);
    }
    date(
        "authoredon", request.hasAuthoredOnElement() ? request.getAuthoredOnElement() : null, sink);
    reference("requester", request.hasRequester() ? request.getRequester() : null, sink);
    reference("encounter", request.hasEncounter() ? request.getEncounter() : null, sink);
  }

  /** {@code subject}, and {@code patient} too when the subject is a patient. */
  private static void subject(Reference subject, Sink sink) {
    IndexEntries.Reference target = reference("subject", subject, sink);
    if (target != null && "Patient".equals(target.targetType())) {
      sink.reference("patient", "Patient", target.targetId());
    }
  }

  private static void identifiers(List<Identifier> identifiers, Sink sink) {
    for (Identifier identifier : identifiers) {
      if (identifier.hasValue()) {
        sink.token(
            "identifier",
            identifier.hasSystem() ? identifier.getSystem() : null,
            identifier.getValue());
      }
    }
  }

  private static void names(List<HumanName> names, Sink sink) {
    for (HumanName name : names) {
      if (name.hasFamilyElement()) {
        string("family", name.getFamilyElement(), sink);
        string("name", name.getFamilyElement(), sink);
      }
      if (name.hasGiven()) {
        for (StringType given : name.getGiven()) {
          string("given", given, sink);
          string("name", given, sink);
        }
      }
      if (name.hasPrefix()) {
        name.getPrefix().forEach(prefix -> string("name", prefix, sink));
      }
      if (name.hasSuffix()) {
        name.getSuffix().forEach(suffix -> string("name", suffix, sink));
      }
      if (name.hasTextElement()) {
        string("name", name.getTextElement(), sink);
      }
    }
  }

  private static void string(String param, PrimitiveType<String> value, Sink sink) {
    if (value != null && value.hasValue() && !value.getValue().isBlank()) {
      sink.string(param, value.getValue());
    }
  }

  private static void code(String param, Enumeration<?> code, Sink sink) {
    if (code != null && code.hasValue()) {
      sink.token(param, code.hasSystem() ? code.getSystem() : null, code.getCode());
    }
  }

  private static void concepts(String param, List<CodeableConcept> concepts, Sink sink) {
    concepts.forEach(concept -> concept(param, concept, sink));
  }

  private static void concept(String param, CodeableConcept concept, Sink sink) {
    if (concept != null && concept.hasCoding()) {
      concept.getCoding().forEach(coding -> coding(param, coding, sink));
    }
  }

  private static void coding(String param, Coding coding, Sink sink) {
    if (coding != null && coding.hasCode()) {
      sink.token(param, coding.hasSystem() ? coding.getSystem() : null, coding.getCode());
    }
  }

  private static void date(String param, BaseDateTimeType value, Sink sink) {
    if (value != null && value.hasValue()) {
      try {
        FhirDates.Range range = FhirDates.parse(value.getValueAsString());
        sink.date(param, range.low(), range.high());
      } catch (IllegalArgumentException e) {
        // unindexable: the resource was validated on write, so this is a value HAPI accepts and we
        // do not
      }
    }
  }

  private static void period(String param, Period period, Sink sink) {
    try {
      FhirDates.Range start =
          period.hasStartElement() && period.getStartElement().hasValue()
              ? FhirDates.parse(period.getStartElement().getValueAsString())
              : null;
      FhirDates.Range end =
          period.hasEndElement() && period.getEndElement().hasValue()
              ? FhirDates.parse(period.getEndElement().getValueAsString())
              : null;
      if (start == null && end == null) {
        return;
      }
      java.time.Instant low = start == null ? FhirDates.MIN : start.low();
      java.time.Instant high = end == null ? FhirDates.MAX : end.high();
      if (!high.isBefore(low)) {
        sink.date(param, low, high);
      }
    } catch (IllegalArgumentException e) {
      // unindexable period: skipped
    }
  }

  /** Indexes a literal reference; returns what it indexed, or null. */
  private static IndexEntries.Reference reference(String param, Reference reference, Sink sink) {
    if (reference == null || !reference.hasReference()) {
      return null;
    }
    SearchParameters.Definition definition = SearchParameters.find(sink.resourceType, param);
    String defaultType = definition == null ? null : definition.singleTarget();
    String[] target = parseReference(reference.getReference(), defaultType);
    if (target == null) {
      return null;
    }
    return sink.reference(param, target[0], target[1]);
  }

  /** Whether {@code value} is a FHIR logical id. */
  static boolean isId(String value) {
    return RESOURCE_ID.matcher(value).matches();
  }

  /**
   * {@code Type/id}, {@code id} (with {@code defaultType}), a URL ending in {@code Type/id}
   * (optionally followed by {@code /_history/n}) as {@code [type, id]}; null for anything else:
   * contained ({@code #x}), conditional ({@code Type?...}), {@code urn:} references.
   */
  static String[] parseReference(String value, String defaultType) {
    if (value == null
        || value.isEmpty()
        || value.startsWith("#")
        || value.startsWith("urn:")
        || value.indexOf('?') >= 0) {
      return null;
    }
    String[] parts = value.split("/", -1);
    int end = parts.length;
    if (end >= 4 && "_history".equals(parts[end - 2])) {
      end -= 2;
    }
    String id = parts[end - 1];
    if (!RESOURCE_ID.matcher(id).matches()) {
      return null;
    }
    if (end == 1) {
      return defaultType == null ? null : new String[] {defaultType, id};
    }
    String type = parts[end - 2];
    return RESOURCE_TYPE.matcher(type).matches() ? new String[] {type, id} : null;
  }

  /** Collects distinct entries in order. */
  private static final class Sink {
    final String resourceType;
    private final Set<Token> tokens = new LinkedHashSet<>();
    private final Set<Text> strings = new LinkedHashSet<>();
    private final Set<DateRange> dates = new LinkedHashSet<>();
    private final Set<IndexEntries.Reference> references = new LinkedHashSet<>();

    Sink(String resourceType) {
      this.resourceType = resourceType;
    }

    void token(String param, String system, String code) {
      if (code != null && !code.isEmpty()) {
        tokens.add(new Token(param, system == null || system.isEmpty() ? null : system, code));
      }
    }

    void string(String param, String value) {
      strings.add(new Text(param, normalise(value), value));
    }

    void date(String param, java.time.Instant low, java.time.Instant high) {
      dates.add(new DateRange(param, low, high));
    }

    IndexEntries.Reference reference(String param, String type, String id) {
      IndexEntries.Reference reference = new IndexEntries.Reference(param, type, id);
      references.add(reference);
      return reference;
    }

    IndexEntries entries() {
      return new IndexEntries(
          new ArrayList<>(tokens),
          new ArrayList<>(strings),
          new ArrayList<>(dates),
          new ArrayList<>(references));
    }
  }
}
