package io.vitalflow.platform.deploy;

import static io.vitalflow.platform.deploy.DeployFiles.list;
import static io.vitalflow.platform.deploy.DeployFiles.map;
import static io.vitalflow.platform.deploy.DeployFiles.ofKind;
import static io.vitalflow.platform.deploy.DeployFiles.strings;
import static org.assertj.core.api.Assertions.assertThat;

import io.vitalflow.fhir.command.FhirCommandTopology;
import io.vitalflow.interactions.CheckResult;
import io.vitalflow.interactions.InteractionChecker;
import io.vitalflow.interactions.Medication;
import io.vitalflow.processor.medication.MedicationTopology;
import io.vitalflow.processor.topology.VitalsTopology;
import io.vitalflow.schemas.Topic;
import io.vitalflow.schemas.Topics;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.TopologyDescription;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every {@code KafkaUser} of the manifests ({@code deploy/k8s/base/kafka-users.yaml}, both overlays
 * rendered) may do what its service does on Kafka: on a Strimzi cluster with simple authorization a
 * missing ACL is a {@code TopicAuthorizationException}, which kills a Kafka Streams thread for
 * good. The Streams applications' topics come from their real topologies ({@link
 * Topology#describe()} of {@link VitalsTopology}, {@link MedicationTopology}, {@link
 * FhirCommandTopology}): each source is read, each sink written, and each catalogue source has its
 * dead-letter topic written by the safety net ({@code DeadLetterExceptionHandler}); so a topology
 * that gains an input or an output fails here until its user may use it. The plain clients' topics
 * are listed below with the class that uses them.
 */
class KafkaAclsTest {

  /** One permission a service needs: an operation on a resource (Strimzi's spelling). */
  record Need(String type, String name, String operation, String why) {
    static Need read(String topic, String why) {
      return new Need("topic", topic, "Read", why);
    }

    static Need write(String topic, String why) {
      return new Need("topic", topic, "Write", why);
    }
  }

  /** The plain producers and consumers of each service (not Kafka Streams). */
  private static final Map<String, List<Need>> PLAIN_CLIENTS =
      Map.of(
          "ingest-gateway",
          List.of(
              Need.write("vitals.raw.v1", "VitalsPublisher"),
              // while its kafka health is DOWN: partitions' leaders and ISR against the topic's
              // min.insync.replicas, without writing (admin describeTopics and describeConfigs)
              new Need("topic", "vitals.raw.v1", "Describe", "TopicWritability"),
              new Need("topic", "vitals.raw.v1", "DescribeConfigs", "TopicWritability"),
              Need.write("audit.v1", "AuditTrail")),
          "vitals-stream-processor",
          List.of(
              Need.read("vitals.raw.v1", "readings sink"),
              Need.read("vitals.agg.1m.v1", "minute-aggregates sink"),
              Need.read("vitals.agg.1h.v1", "hour-aggregates sink"),
              new Need("group", "vitalflow-vitals-sink-readings", "Read", "readings sink"),
              Need.write("vitals.raw.dlq.v1", "readings sink dead letters"),
              Need.write("vitals.agg.1m.dlq.v1", "minute-aggregates sink dead letters"),
              Need.write("vitals.agg.1h.dlq.v1", "hour-aggregates sink dead letters"),
              Need.read("audit.v1", "AuditSink"),
              new Need("group", "vitalflow-audit-sink", "Read", "AuditSink"),
              Need.write("audit.dlq.v1", "AuditSink dead letters"),
              Need.write("audit.v1", "AuditTrail")),
          "fhir-api",
          List.of(
              Need.write("fhir.commands.v1", "CommandSender"),
              new Need(
                  "transactionalId",
                  "vitalflow-fhir-bundles-0",
                  "Write",
                  "CommandSender: transaction Bundles"),
              Need.read("fhir.commands.v1", "CommandSender: fence reader"),
              Need.read("fhir.resources.v1", "FhirProjection"),
              Need.read("fhir.outcomes.v1", "FhirProjection"),
              new Need("group", "vitalflow-fhir-projection", "Read", "FhirProjection"),
              Need.write("fhir.resources.dlq.v1", "FhirProjection dead letters"),
              Need.write("fhir.outcomes.dlq.v1", "FhirProjection dead letters"),
              Need.write("audit.v1", "AuditTrail")),
          "dashboard-push",
          List.of(
              Need.read("vitals.raw.v1", "TopicFeed"),
              Need.read("vitals.agg.1m.v1", "TopicFeed"),
              Need.read("vitals.news2.v1", "TopicFeed"),
              Need.read("alerts.v1", "TopicFeed"),
              Need.write("audit.v1", "AuditTrail")));

  @ParameterizedTest
  @ValueSource(strings = {"dev", "production"})
  void everyServiceMayReadAndWriteWhatItsClientsAndTopologiesDo(String overlay) {
    Map<String, List<Map<String, Object>>> acls =
        ofKind(DeployFiles.render(overlay), "KafkaUser").stream()
            .collect(
                Collectors.toMap(
                    DeployFiles::name, u -> list(map(map(u, "spec"), "authorization"), "acls")));
    List<String> missing = new ArrayList<>();
    Map<String, List<Need>> needs = new TreeMap<>(PLAIN_CLIENTS);
    needs.put(
        "vitals-stream-processor",
        concat(
            PLAIN_CLIENTS.get("vitals-stream-processor"),
            streams(
                "vitalflow-vitals", new VitalsTopology(VitalsTopology.Options.defaults()).build()),
            streams(
                "vitalflow-vitals-medications",
                new MedicationTopology(new MedicationTopology.Options("", NO_CHECKS, rxcui -> null))
                    .build())));
    needs.put(
        "fhir-api",
        concat(
            PLAIN_CLIENTS.get("fhir-api"),
            streams(
                "vitalflow-fhir",
                new FhirCommandTopology(new FhirCommandTopology.Options("", version -> List.of()))
                    .build())));
    for (var service : needs.entrySet()) {
      List<Map<String, Object>> granted = acls.get(service.getKey());
      assertThat(granted).as(overlay + ": KafkaUser " + service.getKey()).isNotNull();
      for (Need need : service.getValue()) {
        if (!allows(granted, need)) {
          missing.add(service.getKey() + " needs " + need);
        }
      }
    }
    assertThat(missing).as(overlay + ": ACLs missing").isEmpty();
  }

  /** What a Streams application with this id and topology needs. */
  private static List<Need> streams(String applicationId, Topology topology) {
    Set<String> catalogue = Topics.ALL.stream().map(Topic::name).collect(Collectors.toSet());
    Set<String> sources = new TreeSet<>();
    Set<String> sinks = new TreeSet<>();
    for (TopologyDescription.Subtopology sub : topology.describe().subtopologies()) {
      for (TopologyDescription.Node node : sub.nodes()) {
        if (node instanceof TopologyDescription.Source source && source.topicSet() != null) {
          sources.addAll(source.topicSet());
        } else if (node instanceof TopologyDescription.Sink sink && sink.topic() != null) {
          sinks.add(sink.topic());
        }
      }
    }
    String why = "Streams application " + applicationId;
    List<Need> needs = new ArrayList<>();
    for (String source : sources) {
      // repartition topics are the application's own (<application-id>-...)
      String topic = catalogue.contains(source) ? source : applicationId + "-" + source;
      needs.add(Need.read(topic, why));
      if (catalogue.contains(source)) {
        needs.add(Need.write(Topic.deadLetterName(source), why + ": safety net"));
      }
    }
    for (String sink : sinks) {
      needs.add(Need.write(catalogue.contains(sink) ? sink : applicationId + "-" + sink, why));
    }
    // its group, its changelogs and its exactly-once transactions
    needs.add(new Need("group", applicationId, "Read", why));
    needs.add(new Need("topic", applicationId + "-store-changelog", "Write", why));
    needs.add(new Need("topic", applicationId + "-store-changelog", "Create", why));
    needs.add(new Need("transactionalId", applicationId + "-0-1", "Write", why));
    return needs;
  }

  /** Whether one of the ACLs grants the need (Strimzi simple authorization). */
  private static boolean allows(List<Map<String, Object>> acls, Need need) {
    for (Map<String, Object> acl : acls) {
      Map<String, Object> resource = map(acl, "resource");
      if (!need.type().equals(resource.get("type"))) {
        continue;
      }
      String name = String.valueOf(resource.get("name"));
      boolean matches =
          "prefix".equals(resource.get("patternType"))
              ? need.name().startsWith(name)
              : name.equals("*") || name.equals(need.name());
      List<String> operations = strings(acl.get("operations"));
      if (matches && (operations.contains(need.operation()) || operations.contains("All"))) {
        return true;
      }
    }
    return false;
  }

  @SafeVarargs
  private static List<Need> concat(List<Need>... lists) {
    List<Need> all = new ArrayList<>();
    for (List<Need> list : lists) {
      all.addAll(list);
    }
    return all;
  }

  /** The medication topology is only described here, never run: no checks happen. */
  private static final InteractionChecker NO_CHECKS =
      new InteractionChecker() {
        @Override
        public CheckResult check(List<Medication> medications) {
          throw new UnsupportedOperationException("not run");
        }

        @Override
        public String kbVersion() {
          return "none";
        }
      };
}
