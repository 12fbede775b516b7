package io.vitalflow.platform.ops;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.yaml.snakeyaml.Yaml;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The operations files of the repository ({@code ops/}): the Prometheus alert rules and the Grafana
 * dashboards, read as the tests need them.
 */
public final class OpsFiles {

  /** One PromQL expression and where it is: an alert, or a dashboard panel's target. */
  public record Query(String source, String name, String expression) {
    @Override
    public String toString() {
      return source + " / " + name + ": " + expression;
    }
  }

  /** One alerting rule of {@code alerts.yml}. */
  public record Alert(
      String name,
      String expression,
      Map<String, String> labels,
      Map<String, String> annotations) {}

  private static final JsonMapper JSON = JsonMapper.builder().build();

  private OpsFiles() {}

  /** The repository's root: the first directory upwards from here with {@code ops/} in it. */
  public static Path root() {
    Path dir = Path.of("").toAbsolutePath();
    while (dir != null && !Files.isDirectory(dir.resolve("ops"))) {
      dir = dir.getParent();
    }
    if (dir == null) {
      throw new IllegalStateException("no ops/ directory above " + Path.of("").toAbsolutePath());
    }
    return dir;
  }

  public static Path ops() {
    return root().resolve("ops");
  }

  public static Path alertRules() {
    return ops().resolve("prometheus/alerts.yml");
  }

  public static Path alertTests() {
    return ops().resolve("prometheus/alerts.test.yml");
  }

  public static Path dashboardsDir() {
    return ops().resolve("grafana/dashboards");
  }

  /** Every alerting rule, in file order. */
  @SuppressWarnings("unchecked")
  public static List<Alert> alerts() {
    Map<String, Object> file = new Yaml().load(read(alertRules()));
    List<Alert> alerts = new ArrayList<>();
    for (Map<String, Object> group : (List<Map<String, Object>>) file.get("groups")) {
      for (Map<String, Object> rule : (List<Map<String, Object>>) group.get("rules")) {
        if (rule.containsKey("alert")) {
          alerts.add(
              new Alert(
                  (String) rule.get("alert"),
                  String.valueOf(rule.get("expr")),
                  strings((Map<String, Object>) rule.get("labels")),
                  strings((Map<String, Object>) rule.get("annotations"))));
        }
      }
    }
    return alerts;
  }

  /** The alerts' expressions. */
  public static List<Query> alertQueries() {
    return alerts().stream().map(a -> new Query("alerts.yml", a.name(), a.expression())).toList();
  }

  /**
   * The queries of the deployment's autoscaling (the KEDA {@code ScaledObject}s' Prometheus
   * triggers in {@code deploy/k8s/components}), read from their YAML.
   */
  @SuppressWarnings("unchecked")
  public static List<Query> scalingQueries() {
    List<Query> queries = new ArrayList<>();
    Path components = root().resolve("deploy/k8s/components");
    try (Stream<Path> files = Files.walk(components)) {
      for (Path file : files.filter(f -> f.toString().endsWith(".yaml")).sorted().toList()) {
        for (Object doc : new Yaml().loadAll(read(file))) {
          if (doc instanceof Map<?, ?> map && "ScaledObject".equals(map.get("kind"))) {
            Map<String, Object> spec = (Map<String, Object>) map.get("spec");
            for (Object trigger : (List<Object>) spec.get("triggers")) {
              Map<String, Object> metadata =
                  (Map<String, Object>) ((Map<String, Object>) trigger).get("metadata");
              if (metadata != null && metadata.get("query") != null) {
                queries.add(
                    new Query(
                        root().relativize(file).toString(),
                        String.valueOf(((Map<String, Object>) map.get("metadata")).get("name")),
                        String.valueOf(metadata.get("query"))));
              }
            }
          }
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return queries;
  }

  /** Every dashboard file. */
  public static List<Path> dashboards() {
    try (Stream<Path> files = Files.list(dashboardsDir())) {
      return files.filter(f -> f.toString().endsWith(".json")).sorted().toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static JsonNode json(Path file) {
    return JSON.readTree(read(file));
  }

  /** Every target expression of every panel (rows' nested panels included) of every dashboard. */
  public static List<Query> dashboardQueries() {
    List<Query> queries = new ArrayList<>();
    for (Path file : dashboards()) {
      collect(file.getFileName().toString(), json(file).path("panels"), queries);
    }
    return queries;
  }

  private static void collect(String source, JsonNode panels, List<Query> into) {
    for (JsonNode panel : panels) {
      collect(source, panel.path("panels"), into);
      for (JsonNode target : panel.path("targets")) {
        if (target.hasNonNull("expr")) {
          into.add(
              new Query(source, panel.path("title").asString(), target.get("expr").asString()));
        }
      }
    }
  }

  private static Map<String, String> strings(Map<String, Object> map) {
    Map<String, String> result = new LinkedHashMap<>();
    if (map != null) {
      map.forEach((k, v) -> result.put(k, String.valueOf(v)));
    }
    return result;
  }

  public static String read(Path file) {
    try {
      return Files.readString(file);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
