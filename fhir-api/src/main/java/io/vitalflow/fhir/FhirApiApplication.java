package io.vitalflow.fhir;

import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.builder.SpringApplicationBuilder;

/** The read side: vitals reads today, the FHIR R4 server as it grows. */
@SpringBootApplication
@org.springframework.boot.context.properties.EnableConfigurationProperties(FhirProperties.class)
public class FhirApiApplication {

  /** Several services share one JVM in the local platform, so each reads its own config file. */
  public static SpringApplicationBuilder builder() {
    return new SpringApplicationBuilder(FhirApiApplication.class).properties("spring.config.name=fhir-api");
  }

  public static void main(String[] args) {
    builder().run(args);
  }
}
