package io.vitalflow.loadgen.simulator;

import static org.assertj.core.api.Assertions.assertThat;

import io.vitalflow.loadgen.engine.Durations;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class PatientsTest {

  @Test
  void readingsStayWithinPlausibleBoundsAndAreValidNdjson() {
    Patients patients = new Patients("x-", 20, 1.0, 7);
    StringBuilder out = new StringBuilder();
    for (int round = 0; round < 2000; round++) {
      for (int v = 0; v < Patients.VITALS_PER_PATIENT; v++) {
        patients.appendReading(out, round % 20, v, "d", Instant.EPOCH);
      }
    }
    String[] lines = out.toString().split("\n");
    assertThat(lines).hasSize(2000 * Patients.VITALS_PER_PATIENT);
    for (String line : lines) {
      assertThat(line).startsWith("{\"patientId\":\"x-").endsWith("\"}");
      double value = Double.parseDouble(line.replaceAll(".*\"value\":([0-9.]+),.*", "$1"));
      assertThat(value).isBetween(8.0, 210.0);
    }
  }

  @Test
  void parsesDurations() {
    assertThat(Durations.parse("2m")).hasSeconds(120);
    assertThat(Durations.parse("250ms").toMillis()).isEqualTo(250);
  }
}
