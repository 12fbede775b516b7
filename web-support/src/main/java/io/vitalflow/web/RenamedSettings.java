package io.vitalflow.web;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.core.env.ConfigurableEnvironment;

/**
 * Refuses to start with a setting whose name is gone (2026-12, one configuration vocabulary: Kafka
 * through {@code spring.kafka.*}, the database through {@code spring.datasource.*}). Spring ignores
 * a property nobody binds, so an operator's old {@code vitalflow.ingest.bootstrap-servers} would
 * otherwise be dropped in silence and the service would look for Kafka on localhost. The message
 * names the old and the new setting, never a value. Relaxed forms count too (for example the
 * environment variable {@code VITALFLOW_INGEST_BOOTSTRAPSERVERS}).
 */
public final class RenamedSettings implements EnvironmentPostProcessor {

  /** Old name (a single setting, or a prefix ending in {@code .*}) to what replaces it. */
  static final Map<String, String> RENAMED = renamed();

  private static Map<String, String> renamed() {
    Map<String, String> renamed = new LinkedHashMap<>();
    for (String service : List.of("ingest", "dashboard")) {
      renamed.put("vitalflow." + service + ".bootstrap-servers", "spring.kafka.bootstrap-servers");
    }
    for (String service : List.of("processor", "fhir")) {
      renamed.put("vitalflow." + service + ".kafka-bootstrap", "spring.kafka.bootstrap-servers");
      renamed.put("vitalflow." + service + ".jdbc-url", "spring.datasource.url");
      renamed.put("vitalflow." + service + ".jdbc-user", "spring.datasource.username");
      renamed.put("vitalflow." + service + ".jdbc-password", "spring.datasource.password");
    }
    renamed.put(
        "vitalflow.ingest.producer.*", "spring.kafka.producer.* or spring.kafka.properties.*");
    renamed.put(
        "vitalflow.dashboard.consumer.*", "spring.kafka.consumer.* or spring.kafka.properties.*");
    return Map.copyOf(renamed);
  }

  @Override
  public void postProcessEnvironment(
      ConfigurableEnvironment environment, SpringApplication application) {
    Binder binder = Binder.get(environment);
    List<String> found = new ArrayList<>();
    RENAMED.forEach(
        (old, replacement) -> {
          boolean set =
              old.endsWith(".*")
                  ? binder
                      .bind(
                          old.substring(0, old.length() - 2),
                          Bindable.mapOf(String.class, Object.class))
                      .isBound()
                  : binder.bind(old, String.class).isBound();
          if (set) {
            found.add(old + " is now " + replacement);
          }
        });
    if (!found.isEmpty()) {
      found.sort(null);
      throw new IllegalStateException(
          "Settings renamed (docs/operations.md, Settings): " + String.join("; ", found));
    }
  }
}
