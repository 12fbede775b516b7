package io.vitalflow.platform.deploy;

import static io.vitalflow.platform.deploy.DeployFiles.at;
import static io.vitalflow.platform.deploy.DeployFiles.containers;
import static io.vitalflow.platform.deploy.DeployFiles.list;
import static io.vitalflow.platform.deploy.DeployFiles.map;
import static io.vitalflow.platform.deploy.DeployFiles.name;
import static io.vitalflow.platform.deploy.DeployFiles.ofKind;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Every environment variable the deployment gives a VitalFlow service, in {@code
 * deploy/compose.yaml} and in both Kubernetes overlays, binds to a setting that service really has
 * ({@link KnownSettings}: Spring Boot's metadata and the service's own configuration records), and
 * the keys inside {@code SPRING_APPLICATION_JSON} too. Variables that are not Spring settings are
 * named here with their reason. A ConfigMap key a variable refers to must exist in the render.
 */
class DeploymentEnvironmentTest {

  /** Read by something other than Spring, each documented in docs/deployment.md. */
  private static final Set<String> NOT_SPRING =
      Set.of(
          "JAVA_TOOL_OPTIONS", // the JVM: a smaller heap share where RocksDB lives off the heap
          "VITALFLOW_KB_STORE", // the drug-interaction knowledge base store (not a Spring setting)
          "SPRING_APPLICATION_JSON"); // Spring Boot reads it as JSON; its keys are checked below

  private static final JsonMapper JSON = JsonMapper.builder().build();
  private static final Map<String, KnownSettings> SETTINGS = new ConcurrentHashMap<>();

  @Test
  void theCheckRejectsAVariableThatNamesNoSettingOrAnotherServicesSetting() {
    KnownSettings ingest = settings("ingest-gateway");
    assertThat(ingest.size()).isGreaterThan(500);
    assertThat(ingest.acceptsVariable("SPRING_KAFKA_BOOTSTRAP_SERVERS")).isTrue();
    assertThat(ingest.acceptsVariable("SPRING_KAFKA_BOOTSTRAPSERVERS")).isTrue();
    assertThat(ingest.acceptsVariable("SPRING_KAFKA_PROPERTIES_SASL_MECHANISM")).isTrue();
    assertThat(ingest.acceptsVariable("VITALFLOW_HTTP_MAX_CONNECTIONS")).isTrue();
    assertThat(ingest.acceptsVariable("VITALFLOW_AUDIT_ENABLED")).isTrue();
    assertThat(ingest.acceptsProperty("vitalflow.ingest.devices.vitalflow-gateway")).isTrue();
    assertThat(ingest.acceptsVariable("SPRING_KAFKA_BOOTSTRAP_SERVER")).as("a typo").isFalse();
    assertThat(ingest.acceptsVariable("VITALFLOW_PROCESSOR_STATE_DIR"))
        .as("the processor's setting, not the gateway's")
        .isFalse();
    assertThat(settings("vitals-stream-processor").acceptsVariable("VITALFLOW_PROCESSOR_STATE_DIR"))
        .isTrue();
    assertThat(ingest.acceptsProperty("vitalflow.ingest.device")).isFalse();
  }

  @Test
  void everyVariableOfEveryServiceInComposeIsARealSetting() {
    Map<String, Object> services = map(DeployFiles.yaml(DeployFiles.compose()), "services");
    List<String> checked = new ArrayList<>();
    services.forEach(
        (name, value) -> {
          @SuppressWarnings("unchecked")
          Map<String, Object> service = (Map<String, Object>) value;
          String module = module(String.valueOf(service.get("image")));
          if (module == null || "0".equals(String.valueOf(service.get("user")))) {
            return; // not a VitalFlow service, or the auth-data volume's one-off chown
          }
          map(service, "environment")
              .forEach(
                  (variable, v) -> {
                    check(module, "compose " + name, variable, String.valueOf(v));
                    checked.add(variable);
                  });
        });
    assertThat(checked).contains("SPRING_KAFKA_BOOTSTRAP_SERVERS", "SPRING_APPLICATION_JSON");
  }

  @ParameterizedTest
  @ValueSource(strings = {"dev", "production"})
  void everyVariableOfEveryDeploymentIsARealSetting(String overlay) {
    List<Map<String, Object>> docs = DeployFiles.render(overlay);
    Map<String, Map<String, Object>> configMaps = new ConcurrentHashMap<>();
    ofKind(docs, "ConfigMap").forEach(c -> configMaps.put(name(c), map(c, "data")));
    int checked = 0;
    for (Map<String, Object> deployment : ofKind(docs, "Deployment")) {
      for (Map<String, Object> container : containers(deployment)) {
        String module = module(String.valueOf(container.get("image")));
        assertThat(module).as(name(deployment) + " runs a VitalFlow image").isNotNull();
        for (Map<String, Object> env : list(container, "env")) {
          String variable = (String) env.get("name");
          String value = (String) env.get("value");
          Object configMap = at(env, "valueFrom", "configMapKeyRef", "name");
          if (configMap != null) {
            Object key = at(env, "valueFrom", "configMapKeyRef", "key");
            if (DeployFiles.kubectl()) { // without kubectl the generator has not run
              assertThat(configMaps)
                  .as(variable + ": ConfigMap " + configMap)
                  .containsKey((String) configMap);
              assertThat(configMaps.get(configMap)).as(variable).containsKey((String) key);
              value = String.valueOf(configMaps.get(configMap).get(key));
            }
          }
          check(module, overlay + " " + name(deployment), variable, value);
          checked++;
        }
      }
    }
    assertThat(checked).isGreaterThan(40);
  }

  private static void check(String module, String where, String variable, String value) {
    KnownSettings settings = settings(module);
    if (variable.equals("SPRING_APPLICATION_JSON")) {
      if (value != null && !value.equals("null")) {
        for (String property : flatten("", JSON.readTree(value))) {
          assertThat(settings.acceptsProperty(property))
              .as(where + ": SPRING_APPLICATION_JSON " + property + " is no setting of " + module)
              .isTrue();
        }
      }
      return;
    }
    if (NOT_SPRING.contains(variable)) {
      return;
    }
    assertThat(settings.acceptsVariable(variable))
        .as(where + ": " + variable + " binds to no setting of " + module)
        .isTrue();
  }

  private static List<String> flatten(String prefix, JsonNode node) {
    List<String> names = new ArrayList<>();
    if (node.isObject() && !node.isEmpty()) {
      for (Map.Entry<String, JsonNode> field : node.properties()) {
        names.addAll(
            flatten(
                prefix.isEmpty() ? field.getKey() : prefix + "." + field.getKey(),
                field.getValue()));
      }
    } else if (!prefix.isEmpty()) {
      names.add(prefix);
    }
    return names;
  }

  /** The module of a VitalFlow image ({@code [registry/]vitalflow/<module>:<tag>}), or null. */
  static String module(String image) {
    int at = image.indexOf("vitalflow/");
    if (at < 0) {
      return null;
    }
    String rest = image.substring(at + "vitalflow/".length());
    int colon = rest.indexOf(':');
    return colon < 0 ? rest : rest.substring(0, colon);
  }

  private static KnownSettings settings(String module) {
    return SETTINGS.computeIfAbsent(module, KnownSettings::of);
  }
}
