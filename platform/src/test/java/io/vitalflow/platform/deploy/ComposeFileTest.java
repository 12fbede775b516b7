package io.vitalflow.platform.deploy;

import static io.vitalflow.platform.deploy.DeployFiles.list;
import static io.vitalflow.platform.deploy.DeployFiles.map;
import static io.vitalflow.platform.deploy.DeployFiles.strings;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * {@code deploy/compose.yaml} (docs/deployment.md, "Compose"): a three-broker KRaft Kafka with
 * replication 3 and min ISR 2, TimescaleDB, every service with an image and a health check on its
 * own port and readiness path, Prometheus scraping every service on its port with the repository's
 * alert rules, Grafana with the repository's dashboards; every file it mounts exists. Its
 * environment variables: {@code DeploymentEnvironmentTest}.
 */
class ComposeFileTest {

  private final Map<String, Object> compose = DeployFiles.yaml(DeployFiles.compose());
  private final Map<String, Object> services = map(compose, "services");

  @Test
  void kafkaIsThreeKraftBrokersWithReplicationThreeAndMinIsrTwo() {
    List<String> brokers =
        services.keySet().stream().filter(s -> s.startsWith("kafka-")).sorted().toList();
    assertThat(brokers).containsExactly("kafka-1", "kafka-2", "kafka-3");
    Set<String> nodeIds = new HashSet<>();
    Set<String> advertised = new HashSet<>();
    for (String broker : brokers) {
      Map<String, String> env = environment(broker);
      nodeIds.add(env.get("KAFKA_NODE_ID"));
      advertised.add(env.get("KAFKA_ADVERTISED_LISTENERS"));
      assertThat(env.get("KAFKA_PROCESS_ROLES")).isEqualTo("broker,controller");
      assertThat(env.get("KAFKA_CONTROLLER_QUORUM_VOTERS"))
          .isEqualTo("1@kafka-1:9093,2@kafka-2:9093,3@kafka-3:9093");
      assertThat(env.get("KAFKA_DEFAULT_REPLICATION_FACTOR")).isEqualTo("3");
      assertThat(env.get("KAFKA_MIN_INSYNC_REPLICAS")).isEqualTo("2");
      assertThat(env.get("KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR")).isEqualTo("3");
      assertThat(env.get("KAFKA_TRANSACTION_STATE_LOG_REPLICATION_FACTOR")).isEqualTo("3");
      assertThat(env.get("KAFKA_TRANSACTION_STATE_LOG_MIN_ISR")).isEqualTo("2");
      assertThat(env.get("KAFKA_AUTO_CREATE_TOPICS_ENABLE")).isEqualTo("false");
      assertThat(env.get("KAFKA_ADVERTISED_LISTENERS")).contains("PLAINTEXT://" + broker + ":9092");
    }
    assertThat(nodeIds).containsExactlyInAnyOrder("1", "2", "3");
    assertThat(advertised).hasSize(3);
    assertThat(String.valueOf(map(services, "timescaledb").get("image")))
        .startsWith("timescale/timescaledb:");
  }

  @Test
  void everyServiceWithAnImageRunsWithAHealthCheckOnItsOwnPortAndPath() {
    for (DeployFiles.Service service : DeployFiles.imageServices()) {
      Map<String, Object> entry = map(services, service.module());
      assertThat(entry).as("compose service " + service.module()).isNotEmpty();
      assertThat(String.valueOf(entry.get("image")))
          .startsWith("vitalflow/" + service.module() + ":");
      List<String> test = strings(map(entry, "healthcheck").get("test"));
      // /dev/tcp is bash's: CMD-SHELL would run the base image's /bin/sh (dash), which has none
      assertThat(test.subList(0, 3)).as(service.module()).containsExactly("CMD", "bash", "-c");
      String check = String.join(" ", test);
      assertThat(check)
          .as(service.module() + " health check")
          .contains("/dev/tcp/127.0.0.1/" + service.port() + " ")
          .contains(
              service.module().equals("auth-server")
                  ? "GET /.well-known/openid-configuration "
                  : "GET /actuator/health/readiness ");
      for (Object port : (List<?>) entry.getOrDefault("ports", List.of())) {
        assertThat(String.valueOf(port)).endsWith(":" + service.port());
      }
    }
    assertThat(map(map(services, "vitals-stream-processor"), "deploy").get("replicas"))
        .as("two processors share the partitions")
        .isEqualTo(2);
  }

  @Test
  void prometheusScrapesEveryServiceOnItsPortWithTheAlertRulesAndGrafanaHasTheDashboards() {
    Map<String, Object> prometheus = map(services, "prometheus");
    Map<String, String> mounts = mounts(prometheus);
    Path config = resolve(mounts.get("/etc/prometheus/prometheus.yml"));
    assertThat(resolve(mounts.get("/etc/prometheus/alerts.yml")))
        .isEqualTo(DeployFiles.root().resolve("ops/prometheus/alerts.yml"));
    Map<String, Object> scrape = DeployFiles.yaml(config);
    assertThat(strings(scrape.get("rule_files"))).containsExactly("/etc/prometheus/alerts.yml");
    Map<String, Integer> targets = new HashMap<>();
    Set<String> jobs = new HashSet<>();
    for (Map<String, Object> job : list(scrape, "scrape_configs")) {
      jobs.add((String) job.get("job_name"));
      assertThat(job.get("metrics_path")).isEqualTo("/actuator/prometheus");
      assertThat(strings(map(job, "oauth2").get("scopes"))).containsExactly("vitalflow/ops");
      for (Map<String, Object> sd : list(job, "dns_sd_configs")) {
        for (Object name : (List<?>) sd.get("names")) {
          targets.put(String.valueOf(name), (Integer) sd.get("port"));
        }
      }
    }
    assertThat(jobs).containsExactlyInAnyOrder("ingest", "fhir", "processor", "dashboard");
    Map<String, Integer> expected =
        DeployFiles.imageServices().stream()
            .filter(s -> !s.module().equals("auth-server"))
            .collect(Collectors.toMap(DeployFiles.Service::module, DeployFiles.Service::port));
    assertThat(targets).isEqualTo(expected);

    Map<String, String> grafana = mounts(map(services, "grafana"));
    assertThat(resolve(grafana.get("/etc/grafana/provisioning")))
        .isEqualTo(DeployFiles.root().resolve("ops/grafana/provisioning"));
    // where ops/grafana/provisioning/dashboards/vitalflow.yml reads the dashboards from
    assertThat(resolve(grafana.get("/var/lib/grafana/dashboards/vitalflow")))
        .isEqualTo(DeployFiles.root().resolve("ops/grafana/dashboards"));
    assertThat(map(map(services, "grafana"), "environment")).containsKey("PROMETHEUS_URL");
  }

  @Test
  void everyFileOrDirectoryComposeMountsExists() {
    List<String> missing = new ArrayList<>();
    services.forEach(
        (name, value) -> {
          @SuppressWarnings("unchecked")
          Map<String, Object> service = (Map<String, Object>) value;
          for (String source : mounts(service).values()) {
            if (source.startsWith(".") && !Files.exists(resolve(source))) {
              missing.add(name + ": " + source);
            }
          }
        });
    assertThat(missing).isEmpty();
  }

  /** A service's environment, every value as text (YAML reads 3 as a number). */
  private Map<String, String> environment(String service) {
    Map<String, String> env = new HashMap<>();
    map(map(services, service), "environment").forEach((k, v) -> env.put(k, String.valueOf(v)));
    return env;
  }

  /** A service's bind mounts and volumes: target path to source. */
  private static Map<String, String> mounts(Map<String, Object> service) {
    Map<String, String> mounts = new HashMap<>();
    for (Object volume : (List<?>) service.getOrDefault("volumes", List.of())) {
      String[] parts = String.valueOf(volume).split(":");
      mounts.put(parts[1], parts[0]);
    }
    return mounts;
  }

  private static Path resolve(String source) {
    assertThat(source).as("mounted").isNotNull();
    return DeployFiles.deploy().resolve(source).normalize();
  }
}
