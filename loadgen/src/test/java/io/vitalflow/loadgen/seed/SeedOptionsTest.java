package io.vitalflow.loadgen.seed;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vitalflow.loadgen.TestArgs;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SeedOptionsTest {

  @Test
  void defaultsAreTheReportsScale() {
    SeedOptions options = SeedCommand.parse();
    assertThat(options.fhirBase()).hasToString("http://127.0.0.1:8082/fhir");
    assertThat(options.ingestBase()).hasToString("http://127.0.0.1:8081");
    assertThat(options.patients()).isEqualTo(100_000);
    assertThat(options.batch()).isEqualTo(500);
    assertThat(options.concurrency()).isEqualTo(4);
    assertThat(options.ids().patientId(1)).isEqualTo("lg-p000001");
    assertThat(options.vitalsPatients()).isEqualTo(1000);
    assertThat(options.vitalsDays()).isEqualTo(7);
    assertThat(options.vitalsEvery()).isEqualTo(Duration.ofMinutes(5));
    assertThat(options.vitalsBatch()).isEqualTo(5000);
    assertThat(options.reportDir()).hasToString("loadgen-reports");
  }

  @Test
  void badValuesAreOneLineNamingTheFlag() {
    assertRejected(Map.of("vitals-days", "8"), "--vitals-days must be at most 7");
    assertRejected(Map.of("vitals-days", "0"), "--vitals-days must be at least 1");
    assertRejected(
        Map.of("patients", "10", "vitals-patients", "11"),
        "--vitals-patients (11) must not exceed");
    assertRejected(Map.of("patients", "many"), "--patients must be a whole number");
    assertRejected(Map.of("batch", "0"), "--batch must be at least 1");
    assertRejected(Map.of("vitals-batch", "20000"), "--vitals-batch must be between 6");
    assertRejected(Map.of("vitals-every", "500ms"), "--vitals-every must be between 1s");
    assertRejected(Map.of("vitals-every", "soon"), "--vitals-every must be a duration");
    assertRejected(Map.of("fhir-url", "ftp://x/fhir"), "--fhir-url must be an http(s) URL");
    assertRejected(Map.of("id-prefix", "a b"), "--id-prefix must be 1-40 characters");
    assertRejected(Map.of("id-prefix", "x\"y"), "--id-prefix");
    assertRejected(Map.of("patinets", "5"), "unknown flag --patinets");
  }

  @Test
  void idsAreDeterministicAndPadded() {
    SeededPatients ids = SeededPatients.withPrefix("bench.2");
    assertThat(ids.patientId(1)).isEqualTo("bench.2-p000001");
    assertThat(ids.patientId(100_000)).isEqualTo("bench.2-p100000");
    assertThat(ids.patientId(1_234_567)).isEqualTo("bench.2-p1234567");
    assertThat(ids.deviceId(7)).isEqualTo("bench.2-d000007");
  }

  private static void assertRejected(Map<String, String> flags, String message) {
    assertThatThrownBy(() -> SeedCommand.parse(TestArgs.of(flags)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(message)
        .hasMessageNotContaining("\n");
  }
}
