package io.vitalflow.loadgen.abuse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vitalflow.loadgen.TestArgs;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The abuse scenario's flags: defaults, the services under attack, and every refusal naming its
 * flag.
 */
class AbuseOptionsTest {

  @Test
  void defaultsAttackTheLocalPlatformForAMinute() {
    AbuseOptions options = AbuseCommand.parse(19_000);

    assertThat(options.duration()).isEqualTo(Duration.ofSeconds(90));
    assertThat(options.slowloris()).isEqualTo(200);
    assertThat(options.slowBodies()).isEqualTo(50);
    assertThat(options.slowBodySize()).isEqualTo(4_000_000);
    assertThat(options.flood()).isEqualTo(3000);
    assertThat(options.headerWithin()).isEqualTo(Duration.ofSeconds(30));
    assertThat(options.bodyWithin()).isEqualTo(Duration.ofSeconds(75));
    assertThat(options.attackFrom().getHostAddress())
        .as("another client than the normal traffic")
        .isEqualTo("127.0.0.2");
    assertThat(options.thresholds().p99()).isEqualTo(Duration.ofSeconds(2));
    assertThat(options.thresholds().p95()).isNull();
    assertThat(options.thresholds().maxErrorRate()).isEqualTo(0.01);
    assertThat(options.services())
        .extracting(AbuseOptions.Service::name)
        .containsExactly("ingest-gateway", "fhir-api", "vitals-stream-processor", "dashboard-push");
    assertThat(options.services())
        .extracting(s -> s.health().toString())
        .containsExactly(
            "http://127.0.0.1:8081/actuator/health", "http://127.0.0.1:8082/actuator/health",
            "http://127.0.0.1:8083/actuator/health", "http://127.0.0.1:8084/actuator/health");
    assertThat(options.fhir("Patient")).isEqualTo(URI.create("http://127.0.0.1:8082/fhir/Patient"));
  }

  @Test
  void servicesCanBeLeftOutAndTheDashboardTakesItsWebSocketAddress() {
    AbuseOptions options =
        AbuseCommand.parse(
            19_000,
            "--processor-url=off",
            "--dashboard-url=ws://10.0.0.5:9084/ws",
            "--fhir-url=http://10.0.0.4:9082/fhir/");

    assertThat(options.services())
        .extracting(s -> s.name() + " " + s.base())
        .containsExactly(
            "ingest-gateway http://127.0.0.1:8081",
            "fhir-api http://10.0.0.4:9082",
            "dashboard-push http://10.0.0.5:9084");
    assertThat(options.fhir("Patient/x"))
        .isEqualTo(URI.create("http://10.0.0.4:9082/fhir/Patient/x"));
    assertThat(options.attackFrom()).as("not all on loopback: the system chooses").isNull();
  }

  @Test
  void offTurnsTheSlowConnectionChecksOffAndThresholdsAreK6Style() {
    AbuseOptions options =
        AbuseCommand.parse(
            19_000,
            "--header-within=off",
            "--body-within=off",
            "--p95=500ms",
            "--p99=off",
            "--max-error-rate=5%",
            "--attack-from=any");

    assertThat(options.headerWithin()).isNull();
    assertThat(options.bodyWithin()).isNull();
    assertThat(options.attackFrom()).isNull();
    assertThat(options.thresholds().p95()).isEqualTo(Duration.ofMillis(500));
    assertThat(options.thresholds().p99()).isNull();
    assertThat(options.thresholds().maxErrorRate()).isEqualTo(0.05);
  }

  @Test
  void badValuesAreRefusedNamingTheFlag() {
    assertRefused(Map.of("flood", "-1"), "--flood must be at least 0, got -1");
    assertRefused(Map.of("duration", "0s"), "--duration must be longer than 0");
    assertRefused(Map.of("duration", "61m"), "--duration must be at most 1h");
    assertRefused(Map.of("slowloris-every", "soon"), "--slowloris-every must be a duration");
    assertRefused(Map.of("ingest-url", "ftp://x"), "--ingest-url must be an http(s) URL");
    assertRefused(Map.of("dashboard-url", "nowhere"), "--dashboard-url must be an http(s) URL");
    assertRefused(Map.of("batch", "20000"), "--batch must be at most 10000");
    assertRefused(Map.of("id-prefix", "a b"), "--id-prefix must be 1-20 of");
    assertRefused(Map.of("max-error-rate", "2"), "--max-error-rate must be between 0 and 1");
    assertRefused(Map.of("slowlorris", "5"), "unknown flag --slowlorris");
    assertRefused(
        Map.of("attack-from", "attacker.example"), "--attack-from must be a local IP address");
    assertRefused(
        Map.of("rate", "100", "batch", "100", "patients", "1"),
        "--patients: about 450000 readings per patient would not fit");
  }

  @Test
  void theAttacksMustFitInTheFileDescriptorsThisProcessMayStillOpen() {
    // 200 slowloris + 50 slow bodies + 3,000 flood + 512 spare
    assertThat(AbuseCommand.parse(3_762).flood()).isEqualTo(3000);
    assertRefused(
        Map.of(),
        3_761,
        "--flood, --slowloris, --slow-bodies: 3250 connections plus 512 spare do not"
            + " fit in the 3761 file descriptors");
    assertThat(AbuseCommand.parse(-1, "--flood=100000").flood())
        .as("limit unknown")
        .isEqualTo(100_000);
  }

  private static void assertRefused(Map<String, String> flags, String message) {
    assertRefused(flags, 19_000, message);
  }

  private static void assertRefused(Map<String, String> flags, long free, String message) {
    assertThatThrownBy(() -> AbuseCommand.parse(free, TestArgs.of(flags)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(message);
  }
}
