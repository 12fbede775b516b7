package io.vitalflow.fhir.access;

import io.vitalflow.fhir.cds.CdsSettings;
import io.vitalflow.web.security.PublicPaths;
import io.vitalflow.web.security.Refusals;
import io.vitalflow.web.security.SecurityAnswer;
import java.util.ArrayList;
import java.util.List;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;

/**
 * The FHIR server's part of web-support's resource server: what is open without a token, the 401
 * and 403 bodies, and the SMART endpoints it announces.
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties({SmartSettings.class, CdsSettings.class})
class FhirSecurityConfiguration {

  /** Served without a token: discovery documents a client reads before it has one. */
  static final PublicPaths PUBLIC =
      PublicPaths.of("/fhir/metadata", "/fhir/.well-known/smart-configuration", "/cds-services");

  /**
   * With trusted EHRs (CDS Hooks 2.0 JWTs, not from this server's issuer) the CDS services check
   * every request themselves ({@code cds.CdsAuthentication}).
   */
  @Bean
  PublicPaths fhirPublicPaths(CdsSettings cds) {
    if (cds.issuers().isEmpty()) {
      return PUBLIC;
    }
    List<String> patterns = new ArrayList<>(PUBLIC.patterns());
    patterns.add("/cds-services/**");
    return new PublicPaths(patterns);
  }

  @Bean
  SecurityAnswer fhirSecurityAnswer() {
    return new FhirSecurityAnswer();
  }

  @Bean
  AccessRefusedHandler accessRefusedHandler(Refusals refusals) {
    return new AccessRefusedHandler(refusals);
  }

  @Bean
  SmartEndpoints smartEndpoints(SmartSettings settings, Environment environment) {
    return new SmartEndpoints(
        settings, environment.getProperty("spring.security.oauth2.resourceserver.jwt.issuer-uri"));
  }
}
