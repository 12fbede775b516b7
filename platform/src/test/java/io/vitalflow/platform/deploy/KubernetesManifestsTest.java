package io.vitalflow.platform.deploy;

import static io.vitalflow.platform.deploy.DeployFiles.at;
import static io.vitalflow.platform.deploy.DeployFiles.containers;
import static io.vitalflow.platform.deploy.DeployFiles.list;
import static io.vitalflow.platform.deploy.DeployFiles.map;
import static io.vitalflow.platform.deploy.DeployFiles.name;
import static io.vitalflow.platform.deploy.DeployFiles.ofKind;
import static io.vitalflow.platform.deploy.DeployFiles.strings;
import static org.assertj.core.api.Assertions.assertThat;

import io.vitalflow.platform.ops.OpsFiles;
import io.vitalflow.schemas.Topic;
import io.vitalflow.schemas.Topics;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.kafka.common.config.TopicConfig;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The Kubernetes manifests ({@code deploy/k8s}), both overlays as {@code kubectl kustomize} renders
 * them (or, without kubectl, the base's and the overlay's files unpatched): they parse; every topic
 * of the catalogue has a {@code KafkaTopic} with its partitions, retention and cleanup policy and
 * there is no other; every service with an image has a Deployment whose probes use the port of the
 * service's own configuration and the paths it serves, with a Service, a PodDisruptionBudget and a
 * ServiceMonitor; the gateway and the FHIR API scale by CPU; every KafkaUser ACL names a catalogue
 * topic or a Streams application id; the database is CloudNativePG with TimescaleDB. Environment
 * variables: {@code DeploymentEnvironmentTest}.
 */
class KubernetesManifestsTest {

  /**
   * The Kafka Streams application ids (the defaults of vitalflow.processor/fhir.application-id).
   */
  private static final Set<String> APPLICATION_IDS = Set.of("vitalflow-vitals", "vitalflow-fhir");

  /** The consumer groups of plain consumers (audit sink: vitalflow.audit.sink-group). */
  private static final Set<String> GROUPS = Set.of("vitalflow-audit-sink");

  private static final String LIVENESS = "/actuator/health/liveness";
  private static final String READINESS = "/actuator/health/readiness";
  private static final String DISCOVERY = "/.well-known/openid-configuration";

  @ParameterizedTest
  @ValueSource(strings = {"dev", "production"})
  void everyDocumentIsAKubernetesObjectAndNoneIsThereTwice(String overlay) {
    List<Map<String, Object>> docs = DeployFiles.render(overlay);
    assertThat(docs).hasSizeGreaterThan(40);
    Set<String> seen = new HashSet<>();
    for (Map<String, Object> doc : docs) {
      assertThat(doc).containsKeys("apiVersion", "kind", "metadata");
      assertThat(name(doc)).as(doc.get("kind") + " without a name").isNotBlank();
      assertThat(seen.add(doc.get("kind") + "/" + name(doc)))
          .as("twice: " + doc.get("kind") + "/" + name(doc))
          .isTrue();
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"dev", "production"})
  void everyCatalogueTopicHasAKafkaTopicWithItsPartitionsRetentionAndCleanupPolicy(String overlay) {
    Map<String, Map<String, Object>> kafkaTopics =
        ofKind(DeployFiles.render(overlay), "KafkaTopic").stream()
            .collect(
                Collectors.toMap(t -> (String) at(t, "spec", "topicName"), t -> map(t, "spec")));
    assertThat(kafkaTopics.keySet())
        .as("one KafkaTopic per catalogue topic, and no other")
        .containsExactlyInAnyOrderElementsOf(Topics.ALL.stream().map(Topic::name).toList());
    for (Topic<?, ?> topic : Topics.ALL) {
      Map<String, Object> spec = kafkaTopics.get(topic.name());
      Map<String, Object> config = map(spec, "config");
      assertThat(spec.get("partitions")).as(topic.name()).isEqualTo(topic.partitions());
      assertThat(String.valueOf(config.get(TopicConfig.RETENTION_MS_CONFIG)))
          .as(topic.name() + " retention.ms")
          .isEqualTo(topic.config().get(TopicConfig.RETENTION_MS_CONFIG));
      assertThat(String.valueOf(config.get(TopicConfig.CLEANUP_POLICY_CONFIG)))
          .as(topic.name() + " cleanup.policy")
          .isEqualTo(topic.config().getOrDefault(TopicConfig.CLEANUP_POLICY_CONFIG, "null"));
      int replicas = (Integer) spec.get("replicas");
      assertThat(replicas).as(topic.name() + " replicas").isEqualTo(3);
      assertThat(Integer.parseInt(String.valueOf(config.get("min.insync.replicas"))))
          .as(topic.name() + " min.insync.replicas")
          .isEqualTo(2);
      assertThat(
              at(kafkaTopicDoc(overlay, topic.name()), "metadata", "labels", "strimzi.io/cluster"))
          .isEqualTo("vitalflow");
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"dev", "production"})
  void everyServiceHasADeploymentWithProbesOnItsOwnPortAndPaths(String overlay) {
    List<Map<String, Object>> docs = DeployFiles.render(overlay);
    Map<String, Map<String, Object>> deployments =
        ofKind(docs, "Deployment").stream().collect(Collectors.toMap(DeployFiles::name, d -> d));
    for (DeployFiles.Service service : DeployFiles.imageServices()) {
      boolean authServer = service.module().equals("auth-server");
      if (authServer && overlay.equals("production")) {
        // production trusts the hospital's issuer: no development authorization server
        assertThat(deployments).doesNotContainKey(service.module());
        continue;
      }
      Map<String, Object> deployment = deployments.get(service.module());
      assertThat(deployment).as(overlay + ": Deployment " + service.module()).isNotNull();
      Map<String, Object> container = containers(deployment).get(0);
      assertThat(String.valueOf(container.get("image")))
          .as(service.module() + " image")
          .contains("vitalflow/" + service.module() + ":");
      assertThat(list(container, "ports"))
          .extracting(p -> p.get("containerPort"))
          .as(service.module() + " containerPort")
          .containsExactly(service.port());
      Map<String, Object> settings = DeployFiles.properties(service.configFile());
      assertThat(settings.get("management.endpoint.health.probes.enabled"))
          .as(service.module() + " must not turn the probes off")
          .isNotEqualTo("false");
      for (String probe : List.of("startupProbe", "livenessProbe", "readinessProbe")) {
        Map<String, Object> get = map(map(container, probe), "httpGet");
        assertThat(get).as(service.module() + " " + probe).isNotEmpty();
        assertThat(get.get("port"))
            .as(service.module() + " " + probe + " port")
            .isEqualTo(service.port());
        String expected =
            authServer ? DISCOVERY : probe.equals("readinessProbe") ? READINESS : LIVENESS;
        assertThat(get.get("path"))
            .as(service.module() + " " + probe + " path")
            .isEqualTo(expected);
      }
      if (!authServer) {
        // the probe groups come from web-support's ServiceDefaults: the service must have it
        assertThat(OpsFiles.read(DeployFiles.root().resolve(service.module()).resolve("pom.xml")))
            .as(service.module() + " depends on web-support (the probe groups)")
            .contains("<artifactId>web-support</artifactId>");
        assertThat(container).containsKey("resources");
        assertThat(map(map(container, "resources"), "limits")).containsKeys("cpu", "memory");
        assertThat(map(map(container, "resources"), "requests")).containsKeys("cpu", "memory");
        assertThat(namesOf(docs, "PodDisruptionBudget")).contains(service.module());
        assertThat(namesOf(docs, "ServiceMonitor")).contains(service.module());
      }
      assertThat(at(deployment, "spec", "template", "spec", "securityContext", "runAsNonRoot"))
          .isEqualTo(true);
      Map<String, Object> svc =
          ofKind(docs, "Service").stream()
              .filter(s -> service.module().equals(name(s)))
              .findFirst()
              .orElseThrow(() -> new AssertionError("no Service " + service.module()));
      assertThat(list(map(svc, "spec"), "ports"))
          .extracting(p -> p.get("targetPort"))
          .containsExactly(service.port());
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"dev", "production"})
  void theGatewayAndTheFhirApiScaleByCpu(String overlay) {
    Map<String, Map<String, Object>> hpas =
        ofKind(DeployFiles.render(overlay), "HorizontalPodAutoscaler").stream()
            .collect(Collectors.toMap(DeployFiles::name, h -> h));
    for (String service : List.of("ingest-gateway", "fhir-api")) {
      Map<String, Object> hpa = hpas.get(service);
      assertThat(hpa).as("HPA " + service).isNotNull();
      assertThat(at(hpa, "spec", "scaleTargetRef", "name")).isEqualTo(service);
      assertThat(list(map(hpa, "spec"), "metrics"))
          .anyMatch(m -> "cpu".equals(at(m, "resource", "name")));
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"dev", "production"})
  void everyAclNamesACatalogueTopicOrAnApplicationIdAndEveryServiceHasItsUser(String overlay) {
    List<Map<String, Object>> docs = DeployFiles.render(overlay);
    Set<String> catalogue = Topics.ALL.stream().map(Topic::name).collect(Collectors.toSet());
    Set<String> users = namesOf(docs, "KafkaUser");
    for (Map<String, Object> user : ofKind(docs, "KafkaUser")) {
      assertThat(at(user, "spec", "authentication", "type")).isEqualTo("scram-sha-512");
      for (Map<String, Object> acl : list(map(map(user, "spec"), "authorization"), "acls")) {
        Map<String, Object> resource = map(acl, "resource");
        String type = (String) resource.get("type");
        String name = (String) resource.get("name");
        String what = name(user) + ": " + resource;
        boolean prefix = "prefix".equals(resource.get("patternType"));
        switch (type) {
          case "topic" -> {
            if (prefix) {
              assertThat(APPLICATION_IDS).as(what).contains(name);
            } else if (name.equals("*")) {
              assertThat(strings(acl.get("operations")))
                  .as(what + ": every topic, to describe only")
                  .allMatch(o -> o.equals("Describe") || o.equals("DescribeConfigs"));
            } else {
              assertThat(catalogue).as(what).contains(name);
            }
          }
          case "group" -> assertThat(prefix ? APPLICATION_IDS : GROUPS).as(what).contains(name);
          case "transactionalId" -> assertThat(APPLICATION_IDS).as(what).contains(name);
          case "cluster" -> assertThat(strings(acl.get("operations"))).doesNotContain("All");
          default -> throw new AssertionError("unexpected ACL resource " + what);
        }
      }
    }
    // each service authenticates as its own user
    for (Map<String, Object> deployment : ofKind(docs, "Deployment")) {
      for (Map<String, Object> env : list(containers(deployment).get(0), "env")) {
        if ("SPRING_KAFKA_PROPERTIES_SASL_JAAS_CONFIG".equals(env.get("name"))) {
          Object secret = at(env, "valueFrom", "secretKeyRef", "name");
          assertThat(secret).as(name(deployment)).isEqualTo(name(deployment));
          assertThat(users).contains(name(deployment));
        }
      }
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"dev", "production"})
  void kafkaHasThreeNodesWithMinIsrTwoAndTheDatabaseIsTimescaleOnCloudNativePg(String overlay) {
    List<Map<String, Object>> docs = DeployFiles.render(overlay);
    Map<String, Object> kafka = ofKind(docs, "Kafka").get(0);
    assertThat(at(kafka, "spec", "kafka", "config", "min.insync.replicas")).isEqualTo(2);
    assertThat(at(kafka, "spec", "kafka", "config", "default.replication.factor")).isEqualTo(3);
    assertThat(at(kafka, "spec", "kafka", "config", "auto.create.topics.enable")).isEqualTo(false);
    int nodes =
        ofKind(docs, "KafkaNodePool").stream()
            .mapToInt(p -> (Integer) at(p, "spec", "replicas"))
            .sum();
    assertThat(nodes).isEqualTo(3);
    Map<String, Object> db = ofKind(docs, "Cluster").get(0);
    assertThat(db.get("apiVersion")).isEqualTo("postgresql.cnpg.io/v1");
    assertThat(String.valueOf(at(db, "spec", "imageName"))).contains("timescale");
    assertThat(strings(at(db, "spec", "postgresql", "shared_preload_libraries")))
        .contains("timescaledb");
    assertThat(namesOf(docs, "NetworkPolicy")).contains("default-deny-ingress");
  }

  private static Map<String, Object> kafkaTopicDoc(String overlay, String topic) {
    return ofKind(DeployFiles.render(overlay), "KafkaTopic").stream()
        .filter(t -> topic.equals(at(t, "spec", "topicName")))
        .findFirst()
        .orElseThrow();
  }

  private static Set<String> namesOf(List<Map<String, Object>> docs, String kind) {
    return ofKind(docs, kind).stream().map(DeployFiles::name).collect(Collectors.toSet());
  }
}
