package io.vitalflow.platform.ops;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;
import tools.jackson.databind.JsonNode;

/**
 * The Grafana dashboards ({@code ops/grafana/dashboards/*.json}) and their provisioning: the seven
 * dashboards issue 18 asks for, each panel with a description, a query and the dashboard's
 * Prometheus variable. That their queries read real metrics (and return data from a real
 * Prometheus) is {@code OpsQueriesEndToEndTest}'s job.
 */
class DashboardsTest {

  @Test
  void theSevenDashboardsAreThereWithUniqueIdsAndDescribedPanels() {
    Set<String> uids = new HashSet<>();
    for (Path file : OpsFiles.dashboards()) {
      JsonNode dashboard = OpsFiles.json(file);
      String uid = dashboard.path("uid").asString();
      assertThat(uids.add(uid)).as("unique uid %s", uid).isTrue();
      assertThat(file.getFileName().toString()).isEqualTo(uid + ".json");
      assertThat(dashboard.path("title").asString()).startsWith("VitalFlow / ");
      assertThat(dashboard.path("templating").path("list").get(0).path("name").asString())
          .as("%s: the Prometheus data source variable", uid)
          .isEqualTo("datasource");
      Set<Integer> ids = new HashSet<>();
      assertThat(dashboard.path("panels").size()).as(uid).isPositive();
      for (JsonNode panel : dashboard.path("panels")) {
        String title = uid + " / " + panel.path("title").asString();
        assertThat(ids.add(panel.path("id").asInt())).as("unique panel id in %s", title).isTrue();
        assertThat(panel.path("description").asString()).as(title).isNotBlank();
        assertThat(panel.path("datasource").path("uid").asString())
            .as(title)
            .isEqualTo("${datasource}");
        JsonNode grid = panel.path("gridPos");
        assertThat(grid.path("x").asInt() + grid.path("w").asInt())
            .as(title)
            .isLessThanOrEqualTo(24);
        assertThat(panel.path("targets").size()).as(title).isPositive();
        for (JsonNode target : panel.path("targets")) {
          assertThat(target.path("expr").asString()).as(title).isNotBlank();
          assertThat(PromQl.metricNames(target.path("expr").asString())).as(title).isNotEmpty();
        }
      }
    }
    assertThat(uids)
        .containsExactlyInAnyOrder(
            "vitalflow-ingest",
            "vitalflow-streams",
            "vitalflow-sinks",
            "vitalflow-fhir",
            "vitalflow-dashboards",
            "vitalflow-plugin",
            "vitalflow-audit");
  }

  @Test
  @SuppressWarnings("unchecked")
  void provisioningNamesThePrometheusDataSourceAndTheDashboardsDirectory() {
    Path provisioning = OpsFiles.ops().resolve("grafana/provisioning");
    Map<String, Object> datasources =
        new Yaml()
            .load(OpsFiles.read(provisioning.resolve("datasources/vitalflow-prometheus.yml")));
    Map<String, Object> prometheus =
        ((List<Map<String, Object>>) datasources.get("datasources")).get(0);
    assertThat(prometheus)
        .containsEntry("type", "prometheus")
        .containsEntry("uid", "vitalflow-prometheus")
        .containsEntry("isDefault", true);
    Map<String, Object> dashboards =
        new Yaml().load(OpsFiles.read(provisioning.resolve("dashboards/vitalflow.yml")));
    Map<String, Object> provider = ((List<Map<String, Object>>) dashboards.get("providers")).get(0);
    assertThat(provider).containsEntry("type", "file");
    assertThat((Map<String, Object>) provider.get("options")).containsKey("path");
  }
}
