package io.vitalflow.fhir;

import io.vitalflow.web.HttpLimits;
import io.vitalflow.web.OverloadAnswer;
import org.springframework.beans.factory.InitializingBean;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.annotation.Bean;

/**
 * The FHIR R4 server: reads over R2DBC, writes through Kafka, vital signs as Observations, CDS
 * Hooks.
 */
@SpringBootApplication
@org.springframework.boot.context.properties.EnableConfigurationProperties(FhirProperties.class)
public class FhirApiApplication {

  /** Several services share one JVM in the local platform, so each reads its own config file. */
  public static SpringApplicationBuilder builder() {
    return new SpringApplicationBuilder(FhirApiApplication.class)
        .web(WebApplicationType.REACTIVE)
        .properties("spring.config.name=fhir-api");
  }

  public static void main(String[] args) {
    builder().run(args);
  }

  /**
   * A full-size Bundle must fit the in-flight budget of one client address, or it would always get
   * 503.
   */
  @Bean
  InitializingBean httpLimitsHoldAFullBundle(HttpLimits limits, FhirProperties properties) {
    return () ->
        limits.requireRoomFor(
            Math.max(properties.maxBundleBytes(), properties.maxResourceBytes()),
            "vitalflow.fhir.max-bundle-bytes");
  }

  /**
   * The HTTP limits' own 503 and 408 as an OperationOutcome under {@code /fhir}, problem details
   * elsewhere.
   */
  @Bean
  OverloadAnswer fhirOverloadAnswer() {
    return new FhirOverloadAnswer();
  }
}
