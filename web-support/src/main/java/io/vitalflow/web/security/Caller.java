package io.vitalflow.web.security;

import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Who is asking: the authenticated subject and OAuth client of a request's token, its scopes, and
 * the patient or wards it is limited to. Made from the token's claims by {@link CallerClaims}.
 *
 * @param subject the token's subject: a user name, or the client id for client credentials
 * @param clientId the OAuth client the token was issued to
 * @param scopes what the token allows
 * @param patient the SMART patient context; present for a patient-context token
 * @param wards the wards a dashboard user looks after (empty when the token names none)
 */
public record Caller(
    String subject,
    String clientId,
    SmartScopes scopes,
    Optional<String> patient,
    Set<String> wards) {

  /** The caller of every request when security is switched off: allowed everything. */
  public static final Caller UNSECURED =
      new Caller("unsecured", "unsecured", SmartScopes.everything(), Optional.empty(), Set.of());

  /**
   * The caller of a request without a token on an open path while security is on: allowed nothing.
   */
  public static final Caller ANONYMOUS =
      new Caller("anonymous", "anonymous", SmartScopes.of(List.of()), Optional.empty(), Set.of());

  public Caller {
    Objects.requireNonNull(subject, "subject");
    Objects.requireNonNull(clientId, "clientId");
    Objects.requireNonNull(scopes, "scopes");
    Objects.requireNonNull(patient, "patient");
    wards = Set.copyOf(wards);
  }

  /**
   * Whether this caller may do {@code interaction} on {@code resourceType} for any patient. A
   * patient-context caller covered only by {@code patient/} scopes gets false: ask {@link
   * #compartmentOnly} and limit the query to {@link #patient()} instead.
   */
  public boolean mayForAnyPatient(String resourceType, Interaction interaction) {
    return scopes.permits(resourceType, interaction)
        && !scopes.patientLimited(resourceType, interaction);
  }

  /**
   * Whether this caller may do {@code interaction} on {@code resourceType} only inside its
   * patient's compartment (only {@code patient/} scopes cover it, and the token names the patient).
   */
  public boolean compartmentOnly(String resourceType, Interaction interaction) {
    return patient.isPresent() && scopes.patientLimited(resourceType, interaction);
  }

  /** Whether some scope of this caller allows it at all (for any patient or its own). */
  public boolean may(String resourceType, Interaction interaction) {
    return mayForAnyPatient(resourceType, interaction)
        || compartmentOnly(resourceType, interaction);
  }

  /** A short description for logs: subject and client, never the token. */
  public String describe() {
    return subject.equals(clientId) ? "client " + clientId : subject + " via " + clientId;
  }
}
