package io.vitalflow.fhir.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.rest.api.MethodOutcome;
import ca.uhn.fhir.rest.client.api.IGenericClient;
import ca.uhn.fhir.rest.client.api.ServerValidationModeEnum;
import ca.uhn.fhir.rest.server.exceptions.PreconditionFailedException;
import ca.uhn.fhir.rest.server.exceptions.ResourceGoneException;
import ca.uhn.fhir.rest.server.exceptions.UnprocessableEntityException;
import java.util.UUID;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.CodeType;
import org.hl7.fhir.r4.model.Condition;
import org.hl7.fhir.r4.model.Enumerations.AdministrativeGender;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.OperationOutcome.IssueSeverity;
import org.hl7.fhir.r4.model.Parameters;
import org.hl7.fhir.r4.model.Parameters.ParametersParameterComponent;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.StringType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Issue 16's interactions through HAPI's own {@link IGenericClient}: conditional read, conditional
 * update and delete, JSON Patch and FHIRPath Patch, {@code $validate} and {@code $everything},
 * against a server with the default settings (validate-on-write off) on a real broker and
 * PostgreSQL.
 */
class GenericClientInteractionsTest {

  private static FhirServer server;
  private static IGenericClient client;

  @BeforeAll
  static void start() throws Exception {
    server = FhirServer.start("fhir_client_interactions");
    FhirContext fhir = FhirContext.forR4();
    fhir.getRestfulClientFactory().setServerValidationMode(ServerValidationModeEnum.NEVER);
    // the first $validate loads the validator (seconds of CPU on a loaded machine)
    fhir.getRestfulClientFactory().setSocketTimeout(120_000);
    client = fhir.newRestfulGenericClient(server.base);
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  private static Patient patient(String family, String mrn) {
    Patient patient = new Patient();
    patient.addName().setFamily(family).addGiven("Client");
    patient.setGender(AdministrativeGender.FEMALE);
    patient.addIdentifier().setSystem("urn:mrn").setValue(mrn);
    return patient;
  }

  private static IdType create(Patient patient) {
    return new IdType(
        client.create().resource(patient).execute().getId().toUnqualifiedVersionless().getValue());
  }

  @Test
  void conditionalReadReturnsNothingWhenTheVersionIsCurrent() {
    IdType id = create(patient("Cached", UUID.randomUUID().toString()));
    Patient unchanged =
        client
            .read()
            .resource(Patient.class)
            .withId(id.getIdPart())
            .ifVersionMatches("1")
            .returnNull()
            .execute();
    assertThat(unchanged).isNull();
    Patient changed =
        client
            .read()
            .resource(Patient.class)
            .withId(id.getIdPart())
            .ifVersionMatches("0")
            .returnNull()
            .execute();
    assertThat(changed.getNameFirstRep().getFamily()).isEqualTo("Cached");
  }

  @Test
  void conditionalUpdateCreatesThenUpdatesAndRefusesAmbiguity() {
    String mrn = UUID.randomUUID().toString();
    String url = "Patient?identifier=urn:mrn|" + mrn;
    MethodOutcome created =
        client.update().resource(patient("One", mrn)).conditionalByUrl(url).execute();
    assertThat(created.getCreated()).isTrue();
    MethodOutcome updated =
        client.update().resource(patient("Two", mrn)).conditionalByUrl(url).execute();
    assertThat(updated.getId().getIdPart()).isEqualTo(created.getId().getIdPart());
    assertThat(updated.getId().getVersionIdPart()).isEqualTo("2");

    create(patient("Twin", mrn));
    assertThatThrownBy(
            () ->
                client
                    .update()
                    .resource(patient("Three", mrn))
                    .conditional()
                    .where(Patient.IDENTIFIER.exactly().systemAndCode("urn:mrn", mrn))
                    .execute())
        .isInstanceOf(PreconditionFailedException.class);
  }

  @Test
  void conditionalDeleteDeletesTheMatches() {
    String mrn = UUID.randomUUID().toString();
    IdType id = create(patient("Doomed", mrn));
    client.delete().resourceConditionalByUrl("Patient?identifier=urn:mrn|" + mrn).execute();
    String family = "Group" + mrn.substring(0, 8);
    IdType first = create(patient(family, UUID.randomUUID().toString()));
    IdType second = create(patient(family, UUID.randomUUID().toString()));
    client
        .delete()
        .resourceConditionalByType(Patient.class)
        .where(Patient.FAMILY.matchesExactly().value(family))
        .execute();
    for (IdType gone : new IdType[] {id, first, second}) {
      assertThatThrownBy(() -> client.read().resource(Patient.class).withId(gone).execute())
          .isInstanceOf(ResourceGoneException.class);
    }
  }

  @Test
  void jsonPatchAndFhirPathPatch() {
    IdType id = create(patient("Patched", UUID.randomUUID().toString()));
    MethodOutcome json =
        client
            .patch()
            .withBody("[{\"op\":\"replace\",\"path\":\"/gender\",\"value\":\"male\"}]")
            .withId(id)
            .execute();
    assertThat(json.getId().getVersionIdPart()).isEqualTo("2");
    assertThat(client.read().resource(Patient.class).withId(id).execute().getGender())
        .isEqualTo(AdministrativeGender.MALE);

    Parameters patch = new Parameters();
    ParametersParameterComponent operation = patch.addParameter().setName("operation");
    operation.addPart().setName("type").setValue(new CodeType("replace"));
    operation.addPart().setName("path").setValue(new StringType("Patient.name.family"));
    operation.addPart().setName("value").setValue(new StringType("Repatched"));
    client.patch().withFhirPatch(patch).withId(id).execute();
    Patient read = client.read().resource(Patient.class).withId(id).execute();
    assertThat(read.getNameFirstRep().getFamily()).isEqualTo("Repatched");
    assertThat(read.getMeta().getVersionId()).isEqualTo("3");

    // an If-Match on the old version
    assertThatThrownBy(
            () ->
                client
                    .patch()
                    .withBody("[{\"op\":\"replace\",\"path\":\"/gender\",\"value\":\"female\"}]")
                    .withId(id)
                    .withAdditionalHeader("If-Match", "W/\"1\"")
                    .execute())
        .isInstanceOf(PreconditionFailedException.class);
    // a failed test
    assertThatThrownBy(
            () ->
                client
                    .patch()
                    .withBody("[{\"op\":\"test\",\"path\":\"/gender\",\"value\":\"female\"}]")
                    .withId(id)
                    .execute())
        .isInstanceOf(UnprocessableEntityException.class);
  }

  @Test
  void conditionalPatch() {
    String mrn = UUID.randomUUID().toString();
    IdType id = create(patient("CondPatched", mrn));
    client
        .patch()
        .withBody("[{\"op\":\"add\",\"path\":\"/active\",\"value\":true}]")
        .conditionalByUrl("Patient?identifier=urn:mrn|" + mrn)
        .execute();
    assertThat(client.read().resource(Patient.class).withId(id).execute().getActive()).isTrue();
  }

  @Test
  void validateReportsProfileErrorsAndValidateOnWriteIsOffByDefault() {
    MethodOutcome valid =
        client.validate().resource(patient("Valid", UUID.randomUUID().toString())).execute();
    OperationOutcome ok = (OperationOutcome) valid.getOperationOutcome();
    assertThat(ok.getIssue()).noneMatch(i -> i.getSeverity() == IssueSeverity.ERROR);

    Patient invalid = InteractionsTest.contactWithoutDetails();
    MethodOutcome outcome = client.validate().resource(invalid).execute();
    assertThat(((OperationOutcome) outcome.getOperationOutcome()).getIssue())
        .anyMatch(
            i -> i.getSeverity() == IssueSeverity.ERROR && i.getDiagnostics().contains("pat-1"));

    // this server does not validate on write (the default): the same resource is stored
    assertThat(client.create().resource(invalid).execute().getCreated()).isTrue();
  }

  @Test
  void everythingOfAPatient() {
    IdType id = create(patient("Everything", UUID.randomUUID().toString()));
    Condition condition = new Condition();
    condition.setSubject(new Reference("Patient/" + id.getIdPart()));
    condition.getCode().setText("hay fever");
    String conditionId = client.create().resource(condition).execute().getId().getIdPart();
    create(patient("Someone else", UUID.randomUUID().toString()));

    Bundle everything =
        client
            .operation()
            .onInstance(id)
            .named("$everything")
            .withNoParameters(Parameters.class)
            .returnResourceType(Bundle.class)
            .useHttpGet()
            .execute();
    assertThat(everything.getEntry())
        .extracting(e -> e.getResource().fhirType() + "/" + e.getResource().getIdPart())
        .containsExactly("Patient/" + id.getIdPart(), "Condition/" + conditionId);
    Bundle posted =
        client
            .operation()
            .onInstance(id)
            .named("$everything")
            .withNoParameters(Parameters.class)
            .returnResourceType(Bundle.class)
            .execute();
    assertThat(posted.getEntry()).hasSize(2);
  }
}
