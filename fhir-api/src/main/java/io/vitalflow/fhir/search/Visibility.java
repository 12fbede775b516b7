package io.vitalflow.fhir.search;

import io.vitalflow.web.security.Caller;
import io.vitalflow.web.security.Callers;
import io.vitalflow.web.security.Interaction;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import reactor.core.publisher.Mono;

/**
 * Which stored resources the caller of a request may see for one interaction, as a condition the
 * queries of this package and of the store add to their SQL: everything of a type the caller's
 * {@code user/} or {@code system/} scopes cover; only the R4 Patient compartment of the token's
 * patient ({@link PatientCompartment}) when only {@code patient/} scopes cover the type; nothing
 * otherwise (also for a type without compartment members under a patient-context token). Because
 * the condition is part of every query, read, vread, history, search, {@code _include}, paging and
 * the total all see the same resources; a resource outside is "not found", never "forbidden".
 */
public final class Visibility {

  /** When security is switched off: everything. */
  public static final Visibility EVERYTHING = new Visibility(Caller.UNSECURED, Interaction.READ);

  private final Caller caller;
  private final Interaction interaction;

  private Visibility(Caller caller, Interaction interaction) {
    this.caller = caller;
    this.interaction = interaction;
  }

  /** What the caller of the current request sees for {@code interaction}. */
  public static Mono<Visibility> current(Interaction interaction) {
    return Callers.current().map(caller -> of(caller, interaction));
  }

  public static Visibility of(Caller caller, Interaction interaction) {
    return new Visibility(caller, interaction);
  }

  /** Whether every resource of {@code type} is visible. */
  public boolean all(String type) {
    return caller.mayForAnyPatient(type, interaction);
  }

  /**
   * The patient whose compartment limits what is visible of {@code type}; empty when everything or
   * nothing is.
   */
  public Optional<String> compartment(String type) {
    if (all(type)
        || !caller.compartmentOnly(type, interaction)
        || !PatientCompartment.hasMembers(type)) {
      return Optional.empty();
    }
    return caller.patient();
  }

  /** Whether any resource of {@code type} may be visible. */
  public boolean any(String type) {
    return all(type) || compartment(type).isPresent();
  }

  /** Whether the resources of patient {@code patientId} of type {@code type} are visible. */
  public boolean seesPatient(String type, String patientId) {
    return all(type) || compartment(type).map(patientId::equals).orElse(false);
  }

  /**
   * The condition on a row {@code alias} of type {@code type} ({@code fhir_resource} or {@code
   * fhir_resource_history}); null when there is none to add. A deleted row has no body to test: it
   * is visible when another version of the resource is.
   */
  public String where(String alias, String type, Function<Object, String> bind) {
    if (all(type)) {
      return null;
    }
    Optional<String> patient = compartment(type);
    if (patient.isEmpty()) {
      return "false";
    }
    return "("
        + PatientCompartment.sql(alias, type, patient.get(), bind)
        + " or ("
        + alias
        + ".deleted and exists (select 1 from fhir_resource_history v where v.res_type = "
        + alias
        + ".res_type and v.res_id = "
        + alias
        + ".res_id and "
        + PatientCompartment.sql("v", type, patient.get(), bind)
        + ")))";
  }

  /**
   * The condition on a row {@code alias} of {@code fhir_resource} that may be of any of {@code
   * types} (the targets of an {@code _include}); null when there is none to add.
   */
  public String whereAnyOf(String alias, Collection<String> types, Function<Object, String> bind) {
    List<String> everything = new ArrayList<>();
    List<String> compartment = new ArrayList<>();
    for (String type : types) {
      if (all(type)) {
        everything.add(type);
      } else if (compartment(type).isPresent()) {
        compartment.add(type);
      }
    }
    if (everything.size() == types.size()) {
      return null;
    }
    List<String> alternatives = new ArrayList<>();
    if (!everything.isEmpty()) {
      alternatives.add(
          alias + ".res_type = any(" + bind.apply(everything.toArray(String[]::new)) + ")");
    }
    if (!compartment.isEmpty()) {
      alternatives.add(
          PatientCompartment.sqlAnyOf(alias, compartment, caller.patient().orElseThrow(), bind));
    }
    return alternatives.isEmpty() ? "false" : "(" + String.join(" or ", alternatives) + ")";
  }
}
