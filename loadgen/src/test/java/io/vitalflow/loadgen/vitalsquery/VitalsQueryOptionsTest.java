package io.vitalflow.loadgen.vitalsquery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vitalflow.loadgen.TestArgs;
import io.vitalflow.loadgen.engine.LoadModel;
import io.vitalflow.loadgen.vitalsquery.QueryMix.Query;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class VitalsQueryOptionsTest {

  @Test
  void defaultsAreTheClosedModelWithTheReportsMix() {
    VitalsQueryOptions options = VitalsQueryCommand.parse();
    assertThat(options.apiBase()).hasToString("http://127.0.0.1:8082");
    assertThat(options.mix()).isEqualTo(new QueryMix(50, 30, 15, 5));
    LoadModel.Closed closed = (LoadModel.Closed) options.model();
    assertThat(closed.stages()).hasToString("10s:50,60s:50,5s:0");
    assertThat(closed.think().min()).isEqualTo(Duration.ofMillis(10));
    assertThat(options.thresholds().p95()).isEqualTo(Duration.ofMillis(100));
    assertThat(options.thresholds().p99()).isEqualTo(Duration.ofMillis(200));
    assertThat(options.thresholds().maxErrorRate()).isEqualTo(0.01);
    assertThat(options.timeout()).isEqualTo(Duration.ofSeconds(10));
    assertThat(options.connections()).isEqualTo(50);
  }

  @Test
  void openModelDefaults() {
    VitalsQueryOptions options = VitalsQueryCommand.parse("--model=open");
    LoadModel.Open open = (LoadModel.Open) options.model();
    assertThat(open.rates()).hasToString("10s:2000,60s:2000");
    assertThat(open.maxInFlight()).isEqualTo(512);
    assertThat(options.connections()).isEqualTo(512);
  }

  @Test
  void badValuesAreOneLineNamingTheFlag() {
    assertRejected(Map.of("mix", "50,30,15"), "--mix must be DEMOGRAPHICS,RECENT,HOURLY,WRITE");
    assertRejected(
        Map.of("mix", "50,30,15,6"), "--mix must be four non-negative percentages summing to 100");
    assertRejected(Map.of("mix", "50,x,15,5"), "--mix recent-vitals share must be a whole number");
    assertRejected(Map.of("model", "poisson"), "--model must be closed or open");
    assertRejected(
        Map.of("model", "open", "think", "5ms"), "--think does not apply to --model=open");
    assertRejected(Map.of("p99", "fast"), "--p99 must be a duration");
    assertRejected(Map.of("max-error-rate", "150%"), "--max-error-rate must be between 0 and 1");
    assertRejected(Map.of("vitals-patients", "0"), "--vitals-patients=0 leaves the vitals queries");
    assertRejected(
        Map.of("patients", "5", "vitals-patients", "6"), "--vitals-patients (6) must not exceed");
    assertRejected(Map.of("api-url", "localhost:8082"), "--api-url must be an http(s) URL");
    assertRejected(Map.of("seed-patients", "5"), "unknown flag --seed-patients");
    Map<String, String> demographicsOnly =
        new HashMap<>(Map.of("vitals-patients", "0", "mix", "100,0,0,0"));
    assertThat(VitalsQueryCommand.parse(TestArgs.of(demographicsOnly)).mix().touchesVitals())
        .isFalse();
  }

  @Test
  void mixPicksEachQueryForItsShareOfDraws() {
    QueryMix mix = QueryMix.parse("50,30,15,5");
    Map<Query, Integer> counts = new HashMap<>();
    for (int percent = 0; percent < 100; percent++) {
      counts.merge(mix.pick(percent), 1, Integer::sum);
    }
    assertThat(counts)
        .containsEntry(Query.DEMOGRAPHICS, 50)
        .containsEntry(Query.RECENT_VITALS, 30)
        .containsEntry(Query.HOURLY_AGGREGATES, 15)
        .containsEntry(Query.NEW_READING, 5);
    assertThat(mix.pick(49)).isEqualTo(Query.DEMOGRAPHICS);
    assertThat(mix.pick(50)).isEqualTo(Query.RECENT_VITALS);
    assertThat(mix.pick(95)).isEqualTo(Query.NEW_READING);
    assertThat(QueryMix.parse("0,0,0,100").pick(0)).isEqualTo(Query.NEW_READING);
    assertThat(Query.HOURLY_AGGREGATES.label()).isEqualTo("hourly-aggregates");
  }

  private static void assertRejected(Map<String, String> flags, String message) {
    assertThatThrownBy(() -> VitalsQueryCommand.parse(TestArgs.of(flags)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(message)
        .hasMessageNotContaining("\n");
  }
}
