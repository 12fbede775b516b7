package io.vitalflow.fhir.http;

import io.vitalflow.fhir.access.Access;
import io.vitalflow.fhir.access.AccessRefused;
import io.vitalflow.fhir.search.PatientCompartment;
import io.vitalflow.fhir.store.ResourceStore;
import io.vitalflow.fhir.write.TransactionPlanner;
import io.vitalflow.schemas.FhirOperation;
import io.vitalflow.web.security.Caller;
import io.vitalflow.web.security.Callers;
import io.vitalflow.web.security.Interaction;
import java.util.List;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/**
 * Whether the caller may make one write (a single interaction, a batch entry, a transaction entry):
 * its scopes must allow the interaction on the type, and a caller limited to its patient's
 * compartment may only write resources that are in that compartment after the write and were in it
 * before (a write must not move a resource in or out of someone else's record). 403 otherwise.
 */
@Component
final class WriteAccess {

  private final ResourceStore store;

  WriteAccess(ResourceStore store) {
    this.store = store;
  }

  /**
   * Completes when allowed, fails with {@link AccessRefused} otherwise.
   *
   * @param id the resource's id; null for a create whose id the server assigns
   * @param resource the new content; null for a delete
   */
  Mono<Void> check(Interaction interaction, String type, String id, IBaseResource resource) {
    return Callers.current().flatMap(caller -> check(caller, interaction, type, id, resource));
  }

  /**
   * Checks a planned transaction again after its references were rewritten ({@code urn:uuid:} and
   * conditional references resolved): every resource it writes must still be in the compartment.
   */
  Mono<Void> checkPlanned(List<TransactionPlanner.Planned> planned) {
    return Callers.current()
        .flatMap(
            caller -> {
              for (TransactionPlanner.Planned p : planned) {
                IBaseResource resource = p.entry().getResource();
                if (p.existing() != null || resource == null || p.operation() == null) {
                  continue;
                }
                Interaction interaction =
                    p.operation() == FhirOperation.CREATE ? Interaction.CREATE : Interaction.UPDATE;
                if (caller.compartmentOnly(p.type(), interaction)
                    && !PatientCompartment.contains(
                        resource, p.id(), caller.patient().orElseThrow())) {
                  return Mono.error(
                      new AccessRefused(
                          "A patient-context token may write only resources in its patient's"
                              + " compartment: an entry for "
                              + p.type()
                              + " is not in it once its references are resolved"));
                }
              }
              return Mono.empty();
            });
  }

  private Mono<Void> check(
      Caller caller, Interaction interaction, String type, String id, IBaseResource resource) {
    Access.check(caller, type, interaction);
    if (!caller.compartmentOnly(type, interaction)) {
      return Mono.empty();
    }
    String patient = caller.patient().orElseThrow();
    if (resource != null && !PatientCompartment.contains(resource, id, patient)) {
      return Mono.error(
          new AccessRefused(
              "A patient-context token may write only resources in its patient's compartment:"
                  + " this "
                  + type
                  + " does not reference the token's patient (Patient/<id>, relative) in any"
                  + " compartment element ("
                  + (type.equals("Patient")
                      ? "for a Patient: its id"
                      : String.join(", ", PatientCompartment.paths(type)))
                  + ")"));
    }
    if (id == null || interaction == Interaction.CREATE) {
      return Mono.empty();
    }
    return store
        .currentAnyPatient(type, id)
        .filter(stored -> !stored.deleted() && stored.json() != null)
        .filter(
            stored ->
                !PatientCompartment.contains(
                    FhirFormat.FHIR.newJsonParser().parseResource(stored.json()), id, patient))
        .flatMap(
            stored ->
                Mono.error(
                    new AccessRefused(
                        "A patient-context token may change only resources in its patient's"
                            + " compartment: this "
                            + type
                            + " is not")));
  }
}
