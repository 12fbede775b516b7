package io.vitalflow.platform.ops;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

/**
 * The Prometheus alert rules ({@code ops/prometheus/alerts.yml}): the alerts issue 18 asks for,
 * each with a summary, a description and a runbook section in {@code docs/observability.md}; a
 * firing and a quiet unit test each; and {@code promtool} (Debian package {@code prometheus})
 * accepts the rules and passes the unit tests. That their metric names exist is checked against the
 * running platform ({@code OpsQueriesEndToEndTest}).
 */
class AlertRulesTest {

  private static final Path PROMTOOL = Path.of("/usr/bin/promtool");

  static final Set<String> REQUIRED =
      Set.of(
          "ConsumerLagGrowing",
          "DeadLettersAppearing",
          "SinkFailing",
          "ReadingsNotStoredWithin30s",
          "AuditDeliveryFailing",
          "PluginChecksFailing",
          "StreamsAppNotRunning");

  @Test
  void everyAlertTheIssueAsksForIsThereWithSummaryDescriptionAndARunbookSection() {
    List<OpsFiles.Alert> alerts = OpsFiles.alerts();
    assertThat(alerts)
        .extracting(OpsFiles.Alert::name)
        .containsAll(REQUIRED)
        .doesNotHaveDuplicates();
    Set<String> anchors = anchors(OpsFiles.root().resolve("docs/observability.md"));
    for (OpsFiles.Alert alert : alerts) {
      assertThat(alert.annotations())
          .as(alert.name())
          .containsKeys("summary", "description", "runbook");
      assertThat(alert.labels()).as(alert.name()).containsKey("severity");
      assertThat(alert.labels().get("severity")).as(alert.name()).isIn("critical", "warning");
      String runbook = alert.annotations().get("runbook");
      assertThat(runbook)
          .as(alert.name())
          .isEqualTo("docs/observability.md#" + alert.name().toLowerCase(Locale.ROOT));
      assertThat(anchors)
          .as("sections of docs/observability.md (the runbook of %s)", alert.name())
          .contains(runbook.substring(runbook.indexOf('#') + 1));
    }
  }

  @Test
  @SuppressWarnings("unchecked")
  void everyAlertHasAFiringAndAQuietUnitTest() {
    Map<String, Object> file = new Yaml().load(OpsFiles.read(OpsFiles.alertTests()));
    Set<String> firing = new HashSet<>();
    Set<String> quiet = new HashSet<>();
    for (Map<String, Object> test : (List<Map<String, Object>>) file.get("tests")) {
      for (Map<String, Object> check :
          (List<Map<String, Object>>) test.getOrDefault("alert_rule_test", List.of())) {
        List<?> expected = (List<?>) check.get("exp_alerts");
        (expected == null || expected.isEmpty() ? quiet : firing)
            .add((String) check.get("alertname"));
      }
    }
    Set<String> names =
        OpsFiles.alerts().stream().map(OpsFiles.Alert::name).collect(Collectors.toSet());
    assertThat(firing).as("alerts with a firing case").containsAll(names);
    assertThat(quiet).as("alerts with a quiet case").containsAll(names);
  }

  @Test
  void promtoolAcceptsTheRulesAndPassesTheirUnitTests() throws Exception {
    Assumptions.assumeTrue(
        Files.isExecutable(PROMTOOL),
        PROMTOOL
            + " is not installed (Debian package prometheus; .ci/run installs it): the rules"
            + " were not checked by promtool");
    promtool("check", "rules", "alerts.yml");
    promtool("test", "rules", "alerts.test.yml");
  }

  private static void promtool(String... args) throws Exception {
    String[] command = new String[args.length + 1];
    command[0] = PROMTOOL.toString();
    System.arraycopy(args, 0, command, 1, args.length);
    Process process =
        new ProcessBuilder(command)
            .directory(OpsFiles.alertRules().getParent().toFile())
            .redirectErrorStream(true)
            .start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(process.exitValue()).as("promtool %s:%n%s", String.join(" ", args), output).isZero();
  }

  /**
   * GitHub's anchors of a Markdown file's headings: lower case, punctuation dropped, - for space.
   */
  static Set<String> anchors(Path markdown) {
    Set<String> anchors = new HashSet<>();
    Matcher heading = Pattern.compile("(?m)^#{1,6}\\s+(.+)$").matcher(OpsFiles.read(markdown));
    while (heading.find()) {
      anchors.add(
          heading
              .group(1)
              .strip()
              .toLowerCase(Locale.ROOT)
              .replaceAll("[^a-z0-9 _-]", "")
              .replace(' ', '-'));
    }
    return anchors;
  }
}
