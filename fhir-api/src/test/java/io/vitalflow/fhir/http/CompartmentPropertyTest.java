package io.vitalflow.fhir.http;

import static io.vitalflow.fhir.http.SecuredFhir.bearer;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;
import net.jqwik.api.statistics.Statistics;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Resource;

/**
 * Whatever a patient-context token searches for (any of several types, with or without a patient,
 * {@code _include}, {@code _revinclude}, {@code _sort}, small {@code _count} pages followed to the
 * end, type history, vital signs), it never receives a resource of another patient: against a real
 * server, broker and database seeded with three patients' records ({@link SecuredFhir}).
 */
class CompartmentPropertyTest {

  private static final List<String> TYPES =
      List.of(
          "Observation",
          "Encounter",
          "Condition",
          "MedicationRequest",
          "AllergyIntolerance",
          "Patient",
          "Practitioner");
  private static final Map<String, List<String>> INCLUDES =
      Map.of(
          "Observation", List.of("Observation:subject", "Observation:encounter", "Observation:*"),
          "Encounter", List.of("Encounter:subject"),
          "Condition", List.of("Condition:subject", "Condition:encounter"),
          "MedicationRequest", List.of("MedicationRequest:subject", "MedicationRequest:requester"),
          "AllergyIntolerance", List.of("AllergyIntolerance:patient"),
          "Patient", List.of("Patient:general-practitioner", "Patient:organization"),
          "Practitioner", List.of("Practitioner:name"));
  private static final List<String> SCOPES =
      List.of(
          "patient/*.rs",
          "patient/*.read",
          "patient/Observation.rs patient/Patient.rs",
          "patient/*.cruds launch/patient openid");

  private static SecuredFhir fhir;

  @BeforeContainer
  static void start() throws Exception {
    fhir = SecuredFhir.start("fhir_compartment_property");
  }

  @AfterContainer
  static void stop() {
    if (fhir != null) {
      fhir.close();
    }
  }

  @Provide
  Arbitrary<String> patients() {
    return Arbitraries.of(SecuredFhir.PATIENTS);
  }

  @Provide
  Arbitrary<String> scopes() {
    return Arbitraries.of(SCOPES);
  }

  @Provide
  Arbitrary<String> queries() {
    Arbitrary<String> type = Arbitraries.of(TYPES);
    return type.flatMap(
        t ->
            Combinators.combine(
                    Arbitraries.of(SecuredFhir.PATIENTS).injectNull(0.3),
                    Arbitraries.of(INCLUDES.get(t)).injectNull(0.4),
                    Arbitraries.of(
                            "Observation:subject",
                            "Encounter:subject",
                            "Observation:subject&_include:iterate=Observation:encounter",
                            "Encounter:subject&_revinclude:iterate=Observation:encounter")
                        .injectNull(0.7),
                    Arbitraries.of("_lastUpdated", "-_lastUpdated", "_id", "-_id").injectNull(0.4),
                    Arbitraries.integers().between(1, 4),
                    Arbitraries.of(
                        "search", "search", "search", "history", "vitals", "chain", "has"))
                .as(
                    (patient, include, revinclude, sort, count, form) -> {
                      if (form.equals("history")) {
                        return "/" + t + "/_history?_count=" + count;
                      }
                      List<String> parameters = new ArrayList<>();
                      String who = patient == null ? "pa" : patient;
                      if (form.equals("chain")) {
                        // chains of one and two levels, by another patient's name too
                        parameters.add(
                            switch (t) {
                              case "Patient" -> "general-practitioner.name=x";
                              case "Practitioner" ->
                                  "_has:Observation:performer:patient.name=F" + who;
                              case "Observation" -> "encounter.patient.name=F" + who;
                              default -> "patient.name=F" + who;
                            });
                      } else if (form.equals("has")) {
                        parameters.add(
                            switch (t) {
                              case "Patient" -> "_has:Observation:patient:code=2345-7";
                              case "Encounter" -> "_has:Observation:encounter:code=2345-7";
                              case "Practitioner" -> "_has:Observation:performer:code=2345-7";
                              default -> "_has:Encounter:subject:status=finished";
                            });
                      } else if (form.equals("vitals") && t.equals("Observation")) {
                        parameters.add("category=vital-signs");
                        parameters.add("patient=" + (patient == null ? "pa" : patient));
                      } else if (patient != null) {
                        parameters.add(
                            switch (t) {
                              case "Patient" -> "_id=" + patient;
                              case "Practitioner" -> "name=F" + patient;
                              default -> "patient=" + patient;
                            });
                      }
                      if (include != null) {
                        parameters.add("_include=" + include);
                      }
                      if (revinclude != null) {
                        parameters.add("_revinclude=" + revinclude);
                      }
                      if (sort != null && !parameters.contains("category=vital-signs")) {
                        parameters.add("_sort=" + sort);
                      }
                      parameters.add("_count=" + count);
                      return "/" + t + "?" + String.join("&", parameters);
                    }));
  }

  @Property(tries = 80)
  void aPatientContextTokenNeverReceivesAnotherPatientsResource(
      @ForAll("patients") String patient,
      @ForAll("scopes") String scope,
      @ForAll("queries") String query) {
    // lenient: the generator combines includes and parameters that do not apply to every type
    // (a 400 would end the case before anything is checked)
    String[] token = bearer(SecuredFhir.patientToken(patient, scope), "Prefer", "handling=lenient");
    String path = query;
    int pages = 0;
    List<String> received = new ArrayList<>();
    while (path != null && pages++ < 30) {
      HttpResponse<String> response = fhir.http.get(path, token);
      if (response.statusCode() == 403) {
        Statistics.label("answer").collect("403");
        return;
      }
      assertThat(response.statusCode()).as("%s: %s", path, response.body()).isEqualTo(200);
      Bundle bundle = FhirHttp.parse(Bundle.class, response);
      for (Bundle.BundleEntryComponent entry : bundle.getEntry()) {
        Resource resource = entry.getResource();
        if (resource == null || resource.fhirType().equals("OperationOutcome")) {
          continue;
        }
        String id = resource.fhirType() + "/" + resource.getIdElement().getIdPart();
        assertThat(owner(resource, id))
            .as("owner of %s answering %s to %s", id, query, patient)
            .isEqualTo(patient);
        received.add(id);
      }
      Bundle.BundleLinkComponent next = bundle.getLink("next");
      path = next == null ? null : next.getUrl().substring(fhir.server.base.length());
    }
    Statistics.label("answer").collect(received.isEmpty() ? "empty" : "resources");
  }

  /** Whose a received resource is: from the seed's ids, or a reading's subject. */
  private static String owner(Resource resource, String id) {
    String owner = fhir.owners.get(id);
    if (owner != null) {
      return owner.isEmpty() ? "(nobody: " + id + ")" : owner;
    }
    if (resource instanceof Observation observation && observation.hasSubject()) {
      return observation.getSubject().getReference().substring("Patient/".length());
    }
    return "(unknown: " + id + ")";
  }
}
