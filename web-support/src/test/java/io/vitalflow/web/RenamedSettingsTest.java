package io.vitalflow.web;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.SpringApplication;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.env.SystemEnvironmentPropertySource;

/** An old setting name stops the start with a message naming its replacement, not its value. */
class RenamedSettingsTest {

  private static StandardEnvironment with(Map<String, Object> properties) {
    StandardEnvironment environment = new StandardEnvironment();
    environment.getPropertySources().addFirst(new MapPropertySource("operator", properties));
    return environment;
  }

  @Test
  void anOldKafkaOrDatabaseNameIsRefusedWithItsReplacementAndWithoutItsValue() {
    StandardEnvironment environment =
        with(
            Map.of(
                "vitalflow.ingest.bootstrap-servers", "broker-secret-host:9092",
                "vitalflow.fhir.jdbc-password", "s3cret"));

    assertThatThrownBy(
            () ->
                new RenamedSettings().postProcessEnvironment(environment, new SpringApplication()))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining(
            "vitalflow.ingest.bootstrap-servers is now spring.kafka.bootstrap-servers")
        .hasMessageContaining("vitalflow.fhir.jdbc-password is now spring.datasource.password")
        .hasMessageNotContaining("s3cret")
        .hasMessageNotContaining("broker-secret-host");
  }

  @Test
  void relaxedFormsAndOldPrefixesCountToo() {
    StandardEnvironment environment = new StandardEnvironment();
    // as the process environment gives it (only that source is read with the variables' relaxed
    // names)
    environment
        .getPropertySources()
        .replace(
            StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME,
            new SystemEnvironmentPropertySource(
                StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME,
                Map.of("VITALFLOW_PROCESSOR_KAFKABOOTSTRAP", "b:9092")));
    environment
        .getPropertySources()
        .addFirst(
            new MapPropertySource("file", Map.of("vitalflow.ingest.producer.linger.ms", "9")));

    assertThatThrownBy(
            () ->
                new RenamedSettings().postProcessEnvironment(environment, new SpringApplication()))
        .hasMessageContaining("vitalflow.processor.kafka-bootstrap is now")
        .hasMessageContaining("vitalflow.ingest.producer.* is now spring.kafka.producer.*");
  }

  @Test
  void theCurrentNamesPass() {
    StandardEnvironment environment =
        with(
            Map.of(
                "spring.kafka.bootstrap-servers", "b:9092",
                "spring.datasource.url", "jdbc:postgresql://db/v",
                "vitalflow.ingest.topic-prefix", "t."));

    assertThatCode(
            () ->
                new RenamedSettings().postProcessEnvironment(environment, new SpringApplication()))
        .doesNotThrowAnyException();
  }
}
