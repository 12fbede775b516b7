package io.vitalflow.fhir.search;

import static io.vitalflow.fhir.search.ResourceSearchTest.idsOf;
import static io.vitalflow.fhir.search.ResourceSearchTest.parse;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vitalflow.fhir.Unsecured;
import io.vitalflow.web.security.Caller;
import io.vitalflow.web.security.CallerAuthentication;
import io.vitalflow.web.security.SmartScopes;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Organization;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.PlanDefinition;
import org.hl7.fhir.r4.model.Quantity;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.RiskAssessment;
import org.hl7.fhir.r4.model.ValueSet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.security.core.context.ReactiveSecurityContextHolder;
import reactor.util.context.Context;

/**
 * Issue 16's search features over a real PostgreSQL: parameter types beyond the original four,
 * modifiers, chains, {@code _has}, {@code _revinclude}, unknown parameters, and that a
 * patient-context caller sees only its compartment through every one of them.
 */
class SpecSearchTest {

  private static final Instant T0 = Instant.parse("2024-01-01T00:00:00Z");
  private static final String UCUM = "http://unitsofmeasure.org";
  private static final String V2_0203 = "http://terminology.hl7.org/CodeSystem/v2-0203";
  private static SearchDatabase database;
  private static ResourceSearch search;

  @BeforeAll
  static void load() {
    database = new SearchDatabase("spec-search-test");
    search = new ResourceSearch(database.client());
    Organization acme = new Organization().setName("Acme Clinic");
    acme.setId("org1");
    Organization other = new Organization().setName("Other Place");
    other.setId("org2");
    Patient peter = new Patient();
    peter.setId("p1");
    peter.addName().setFamily("Peterson").addGiven("Peter");
    peter.setManagingOrganization(new Reference("Organization/org1"));
    peter.addAddress().setCity("Springfield");
    peter
        .addIdentifier()
        .setType(new CodeableConcept().addCoding(new Coding(V2_0203, "MR", null)))
        .setSystem("urn:mrn")
        .setValue("12345");
    Patient anna = new Patient();
    anna.setId("p2");
    anna.addName().setFamily("Smith").addGiven("Anna");
    anna.setManagingOrganization(new Reference("Organization/org2"));
    database.store(T0, acme, other, peter, anna);
    database.store(
        T0.plusSeconds(1),
        weight("w1", "p1", "70", "kg", "Body weight"),
        weight("w2", "p2", "80000", "g", "Weight measured"),
        weight("w3", "p2", "5", "[lb_av]", "Weight"));
    Observation noValue = new Observation();
    noValue.setId("nv");
    noValue.setStatus(Observation.ObservationStatus.FINAL);
    noValue.setSubject(new Reference("Patient/p1"));
    noValue.getCode().addCoding(new Coding("http://loinc.org", "8867-4", "Heart rate"));
    noValue
        .getPerformerFirstRep()
        .setIdentifier(new Identifier().setSystem("urn:npi").setValue("123"));
    database.store(T0.plusSeconds(2), noValue);
    RiskAssessment risk = new RiskAssessment();
    risk.setId("r1");
    risk.setSubject(new Reference("Patient/p1"));
    risk.setStatus(RiskAssessment.RiskAssessmentStatus.FINAL);
    risk.addPrediction().setProbability(new org.hl7.fhir.r4.model.DecimalType("0.25"));
    database.store(T0.plusSeconds(3), risk);
    ValueSet valueSet = new ValueSet();
    valueSet.setId("vs1");
    valueSet.setUrl("http://example.org/fhir/ValueSet/vitals");
    valueSet.setStatus(org.hl7.fhir.r4.model.Enumerations.PublicationStatus.ACTIVE);
    database.store(T0.plusSeconds(4), valueSet);
    database.store(
        T0.plusSeconds(5),
        planDefinition("pd1", "http://example.org/fhir/Library/news2-logic|1.0"),
        planDefinition("pd2", "http://example.org/fhir/Library/news2-logic|2.0"),
        planDefinition("pd3", "https://example.org/cql/sepsis"));
  }

  private static PlanDefinition planDefinition(String id, String library) {
    PlanDefinition plan = new PlanDefinition();
    plan.setId(id);
    plan.setStatus(org.hl7.fhir.r4.model.Enumerations.PublicationStatus.ACTIVE);
    plan.addLibrary(library);
    return plan;
  }

  @AfterAll
  static void close() {
    database.close();
  }

  @Test
  void quantitiesCompareInUcumBaseUnits() {
    assertThat(ids("Observation", "value-quantity=70|" + UCUM + "|kg")).containsExactly("w1");
    assertThat(ids("Observation", "value-quantity=70000|" + UCUM + "|g")).containsExactly("w1");
    assertThat(ids("Observation", "value-quantity=gt75|" + UCUM + "|kg")).containsExactly("w2");
    assertThat(ids("Observation", "value-quantity=lt3|" + UCUM + "|kg")).containsExactly("w3");
    assertThat(ids("Observation", "value-quantity=70")).containsExactly("w1");
    assertThat(ids("Observation", "value-quantity=71|" + UCUM + "|kg")).isEmpty();
  }

  @Test
  void compositeParametersPairTheirComponents() {
    assertThat(
            ids("Observation", "code-value-quantity=http://loinc.org|29463-7$gt60|" + UCUM + "|kg"))
        .containsExactly("w1");
    assertThat(ids("Observation", "code-value-quantity=http://loinc.org|8867-4$gt60")).isEmpty();
  }

  @Test
  void numbersUseThePrecisionOfTheSearchValue() {
    assertThat(ids("RiskAssessment", "probability=0.25")).containsExactly("r1");
    // 0.3 covers [0.25, 0.35): 0.25 matches it, not 0.2 (covering [0.15, 0.25))
    assertThat(ids("RiskAssessment", "probability=0.3")).containsExactly("r1");
    assertThat(ids("RiskAssessment", "probability=0.2")).isEmpty();
    assertThat(ids("RiskAssessment", "probability=gt0.2")).containsExactly("r1");
    assertThat(ids("RiskAssessment", "probability=lt0.2")).isEmpty();
  }

  @Test
  void uriBelowAndAbove() {
    assertThat(ids("ValueSet", "url=http://example.org/fhir/ValueSet/vitals"))
        .containsExactly("vs1");
    assertThat(ids("ValueSet", "url:below=http://example.org/fhir")).containsExactly("vs1");
    assertThat(ids("ValueSet", "url:above=http://example.org/fhir/ValueSet/vitals/v2"))
        .containsExactly("vs1");
    assertThat(ids("ValueSet", "url:below=http://other.org")).isEmpty();
  }

  @Test
  void canonicalReferencesAreFoundByTheirUrlWithOrWithoutAVersion() {
    // PlanDefinition.depends-on reads relatedArtifact.resource and library: canonical, not Type/id
    assertThat(ids("PlanDefinition", "depends-on=http://example.org/fhir/Library/news2-logic"))
        .containsExactly("pd1", "pd2");
    assertThat(ids("PlanDefinition", "depends-on=http://example.org/fhir/Library/news2-logic|2.0"))
        .containsExactly("pd2");
    assertThat(ids("PlanDefinition", "depends-on=https://example.org/cql/sepsis"))
        .containsExactly("pd3");
    assertThat(ids("PlanDefinition", "depends-on=https://example.org/cql/sepsis|1.0")).isEmpty();
    assertThat(ids("PlanDefinition", "depends-on=https://example.org/cql")).isEmpty();
    // a canonical ending in Type/id is also its local reference
    assertThat(ids("PlanDefinition", "depends-on=Library/news2-logic"))
        .containsExactly("pd1", "pd2");
    assertThat(ids("PlanDefinition", "depends-on:missing=false"))
        .containsExactly("pd1", "pd2", "pd3");
  }

  @Test
  void identifierOfTypeMatchesTheTypeCodingAndTheValue() {
    assertThat(ids("Patient", "identifier:of-type=" + V2_0203 + "|MR|12345")).containsExactly("p1");
    assertThat(ids("Patient", "identifier:of-type=" + V2_0203 + "|SS|12345")).isEmpty();
    assertThat(ids("Patient", "identifier:of-type=" + V2_0203 + "|MR|54321")).isEmpty();
    assertThat(ids("Patient", "identifier:of-type=urn:other|MR|12345")).isEmpty();
    assertThatThrownBy(() -> ids("Patient", "identifier:of-type=MR|12345"))
        .isInstanceOf(InvalidSearchException.class)
        .hasMessageContaining("[type system]|[type code]|[identifier value]");
  }

  @Test
  void modifiers() {
    assertThat(ids("Observation", "value-quantity:missing=true")).containsExactly("nv");
    assertThat(ids("Observation", "value-quantity:missing=false"))
        .containsExactlyInAnyOrder("w1", "w2", "w3");
    assertThat(ids("Observation", "code:not=http://loinc.org|29463-7")).containsExactly("nv");
    assertThat(ids("Observation", "code:text=weight")).containsExactly("w2", "w3");
    assertThat(ids("Observation", "code:text=body")).containsExactly("w1");
    assertThat(ids("Observation", "performer:identifier=urn:npi|123")).containsExactly("nv");
    assertThat(ids("Patient", "address-city=springfield")).containsExactly("p1");
  }

  @Test
  void chainsOfSeveralLevelsAndReverseChains() {
    assertThat(ids("Observation", "patient.name=peter")).containsExactly("nv", "w1");
    assertThat(ids("Observation", "subject:Patient.name=smith")).containsExactly("w2", "w3");
    assertThat(ids("Observation", "patient.organization.name=acme")).containsExactly("nv", "w1");
    assertThat(ids("Observation", "patient.name=nobody")).isEmpty();
    assertThat(ids("Patient", "_has:Observation:patient:code=8867-4")).containsExactly("p1");
    assertThat(
            ids("Organization", "_has:Patient:organization:_has:Observation:patient:code=8867-4"))
        .containsExactly("org1");
    assertThatThrownBy(() -> ids("Observation", "patient.nonsense=1"))
        .isInstanceOf(InvalidSearchException.class)
        .hasMessageContaining("patient.nonsense");
  }

  @Test
  void revincludeAddsTheReferencingResources() {
    SearchResult result = page("Patient", "_id=p2&_revinclude=Observation:patient", false);
    assertThat(idsOf(result.matches())).containsExactly("p2");
    assertThat(idsOf(result.includes())).containsExactlyInAnyOrder("w2", "w3");
  }

  @Test
  void iterateFollowsWhatWasIncluded() {
    SearchResult forward =
        page(
            "Observation",
            "_id=w1&_include:iterate=Observation:patient&_include:iterate=Patient:organization",
            true);
    assertThat(idsOf(forward.includes())).containsExactlyInAnyOrder("p1", "org1");
    SearchResult reverse =
        page(
            "Organization",
            "_id=org1&_revinclude:iterate=Patient:organization&_revinclude:iterate=Observation:patient",
            true);
    assertThat(idsOf(reverse.matches())).containsExactly("org1");
    assertThat(idsOf(reverse.includes())).containsExactlyInAnyOrder("p1", "w1", "nv");
  }

  @Test
  void unknownParametersAreAnErrorUnlessLenient() {
    assertThatThrownBy(() -> page("Observation", "patient.foo=peter", true))
        .isInstanceOf(InvalidSearchException.class)
        .hasMessageContaining("patient.foo");
    SearchResult lenient = page("Observation", "patient.foo=peter&code=8867-4", false);
    assertThat(idsOf(lenient.matches())).containsExactly("nv");
    assertThat(lenient.ignoredParameters()).containsExactly("patient.foo");
  }

  @Test
  void aPatientContextCallerSeesOnlyItsCompartmentThroughChainsHasAndRevinclude() {
    Caller p1 =
        new Caller(
            "u1", "app", SmartScopes.of(List.of("patient/*.rs")), Optional.of("p1"), Set.of());
    Context context =
        ReactiveSecurityContextHolder.withAuthentication(new CallerAuthentication(p1, null));
    assertThat(idsOf(as(context, "Observation", "patient.name=smith").matches())).isEmpty();
    assertThat(idsOf(as(context, "Observation", "patient.name=peter").matches()))
        .containsExactlyInAnyOrder("nv", "w1");
    // p2 has weights; p1 must not even learn that p2 exists
    assertThat(idsOf(as(context, "Patient", "_has:Observation:patient:code=29463-7").matches()))
        .containsExactly("p1");
    SearchResult iterated =
        as(
            context,
            "Observation",
            "_include:iterate=Observation:patient&_revinclude:iterate=Observation:patient"
                + "&_revinclude:iterate=RiskAssessment:subject");
    assertThat(idsOf(iterated.matches())).containsExactlyInAnyOrder("w1", "nv");
    assertThat(idsOf(iterated.includes())).containsExactlyInAnyOrder("p1", "r1");
    SearchResult revinclude = as(context, "Patient", "_revinclude=Observation:patient");
    assertThat(idsOf(revinclude.matches())).containsExactly("p1");
    assertThat(idsOf(revinclude.includes())).containsExactlyInAnyOrder("w1", "nv");
  }

  private static SearchResult as(Context context, String type, String query) {
    return search
        .search(new SearchRequest(type, parse(query), 100, 0, true))
        .contextWrite(context)
        .block();
  }

  private static List<String> ids(String type, String query) {
    return idsOf(page(type, query, true).matches());
  }

  private static SearchResult page(String type, String query, boolean strict) {
    return search
        .search(new SearchRequest(type, parse(query + "&_sort=_id"), 100, 0, strict))
        .contextWrite(Unsecured.context())
        .block();
  }

  private static Observation weight(
      String id, String patient, String value, String unit, String text) {
    Observation observation = new Observation();
    observation.setId(id);
    observation.setStatus(Observation.ObservationStatus.FINAL);
    observation.setSubject(new Reference("Patient/" + patient));
    observation.setCode(
        new CodeableConcept()
            .addCoding(new Coding("http://loinc.org", "29463-7", null))
            .setText(text));
    observation.setValue(
        new Quantity().setValue(new BigDecimal(value)).setSystem(UCUM).setCode(unit));
    return observation;
  }
}
