package io.vitalflow.platform.deploy;

import static io.vitalflow.platform.deploy.DeployFiles.at;
import static io.vitalflow.platform.deploy.DeployFiles.list;
import static io.vitalflow.platform.deploy.DeployFiles.map;
import static io.vitalflow.platform.deploy.DeployFiles.ofKind;
import static org.assertj.core.api.Assertions.assertThat;

import io.vitalflow.platform.ops.OpsFiles;
import io.vitalflow.platform.ops.PromQl;
import io.vitalflow.schemas.Topics;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The opt-in component {@code deploy/k8s/components/processor-lag-autoscaling} (docs/deployment.md,
 * "Scaling the processor by lag"), added to the production overlay as a platform team would: a KEDA
 * {@code ScaledObject} for the processor's Deployment, from its base replicas up to the partitions
 * of {@code vitals.raw.v1} (a further instance would get none), on the lag metric the processor
 * exports for the groups that read the readings, and no other autoscaler for it. That the metric is
 * exported by a running processor: {@code OpsQueriesEndToEndTest}, which reads this query too.
 */
class ProcessorLagScalingTest {

  private static final String PROCESSOR = "vitals-stream-processor";

  @Test
  void theProductionOverlayWithTheComponentScalesTheProcessorByLagUpToItsPartitions(
      @TempDir Path dir) throws Exception {
    Assumptions.assumeTrue(DeployFiles.kubectl(), "kubectl is not installed: nothing renders");
    Path overlay = DeployFiles.overlay("production").toAbsolutePath();
    Path component =
        DeployFiles.deploy().resolve("k8s/components/processor-lag-autoscaling").toAbsolutePath();
    // kustomize takes relative paths only
    Files.writeString(
        dir.resolve("kustomization.yaml"),
        "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\n"
            + "resources: ["
            + dir.toAbsolutePath().relativize(overlay)
            + "]\ncomponents: ["
            + dir.toAbsolutePath().relativize(component)
            + "]\n");
    List<Map<String, Object>> docs = DeployFiles.documents(kustomize(dir));

    List<Map<String, Object>> scaled = ofKind(docs, "ScaledObject");
    assertThat(scaled).hasSize(1);
    Map<String, Object> spec = map(scaled.get(0), "spec");
    assertThat(at(spec, "scaleTargetRef", "name")).isEqualTo(PROCESSOR);
    Map<String, Object> deployment =
        ofKind(docs, "Deployment").stream()
            .filter(d -> PROCESSOR.equals(DeployFiles.name(d)))
            .findFirst()
            .orElseThrow();
    assertThat(spec.get("minReplicaCount")).isEqualTo(at(deployment, "spec", "replicas"));
    assertThat(spec.get("maxReplicaCount"))
        .as("no more instances than partitions of vitals.raw.v1")
        .isEqualTo(Topics.VITALS_RAW.partitions());
    assertThat(ofKind(docs, "HorizontalPodAutoscaler"))
        .as("KEDA owns the processor's HPA")
        .noneMatch(h -> PROCESSOR.equals(at(h, "spec", "scaleTargetRef", "name")));

    List<Map<String, Object>> triggers = list(spec, "triggers");
    assertThat(triggers).hasSize(1);
    assertThat(triggers.get(0).get("type")).isEqualTo("prometheus");
    String query = String.valueOf(at(triggers.get(0), "metadata", "query"));
    assertThat(PromQl.metricNames(query)).containsExactly("vitalflow_consumer_lag_records");
    assertThat(query).contains("job=\"processor\"");
    Matcher groups = Pattern.compile("group=~\"([^\"]+)\"").matcher(query);
    assertThat(groups.find()).as("a group selector").isTrue();
    // the groups that read the readings: the vitals Streams application and the readings sink
    for (String group : List.of("vitalflow-vitals", "vitalflow-vitals-sink-readings")) {
      assertThat(group).as("selected by " + groups.group(1)).matches(groups.group(1));
    }
    assertThat(OpsFiles.scalingQueries())
        .extracting(OpsFiles.Query::expression)
        .as("the end-to-end test reads this query")
        .contains(query);
  }

  private static String kustomize(Path dir) throws IOException, InterruptedException {
    Process process =
        new ProcessBuilder(DeployFiles.KUBECTL.toString(), "kustomize", dir.toString())
            .redirectErrorStream(true)
            .start();
    String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.waitFor(120, TimeUnit.SECONDS)).isTrue();
    assertThat(process.exitValue()).as(out).isZero();
    return out;
  }
}
