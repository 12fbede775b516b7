package io.vitalflow.fhir.cds;

import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code vitalflow.fhir.cds.*}: the EHRs whose CDS Hooks 2.0 JWTs the services accept.
 *
 * @param issuers the trusted EHRs (none by default: only tokens of this server's own issuer, with a
 *     MedicationRequest search scope, are accepted)
 */
@ConfigurationProperties("vitalflow.fhir.cds")
public record CdsSettings(@DefaultValue List<TrustedIssuer> issuers) {

  public CdsSettings {
    issuers = List.copyOf(issuers);
  }

  /**
   * One EHR.
   *
   * @param issuer the {@code iss} of its JWTs
   * @param jwksUri where its public keys are (CDS Hooks 2.0 asks EHRs to publish a JWK Set)
   */
  public record TrustedIssuer(String issuer, String jwksUri) {}
}
