package io.vitalflow.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.sql.BatchUpdateException;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import org.apache.kafka.common.errors.TimeoutException;
import org.junit.jupiter.api.Test;

class FailuresTest {

  @Test
  void dataErrorsAreDeterministicAndTheDatabaseOrBrokerBeingAwayIsNot() {
    assertThat(Failures.deterministic(new SQLException("value too long", "22001"))).isTrue();
    assertThat(Failures.deterministic(new SQLException("index row size exceeds", "54000")))
        .isTrue();
    assertThat(Failures.deterministic(new SQLException("duplicate key", "23505"))).isTrue();
    var batch = new BatchUpdateException("Batch entry 0 ...", null, 0, new int[0]);
    batch.setNextException(new SQLException("null character", "22021"));
    assertThat(Failures.deterministic(batch)).isTrue();
    assertThat(Failures.deterministic(new IllegalArgumentException("cannot encode"))).isTrue();

    assertThat(Failures.deterministic(new SQLTransientConnectionException("gone", "08006")))
        .isFalse();
    assertThat(Failures.deterministic(new SQLException("relation does not exist", "42P01")))
        .isFalse();
    assertThat(Failures.deterministic(new SQLException("shutting down", "57P01"))).isFalse();
    assertThat(
            Failures.deterministic(new SQLException("copy failed", new IOException("broken pipe"))))
        .isFalse();
    assertThat(Failures.deterministic(new TimeoutException("broker"))).isFalse();
  }

  @Test
  void descriptionsAndRedactedStackTracesNameClassesAndStatesButNeverMessages() {
    var failure =
        new RuntimeException(
            "wrapped Curie 1967-11-07",
            new BatchUpdateException(
                "Batch entry 0 insert into x values ('Curie')", "22001", 0, new int[0], null));

    assertThat(Failures.describe(failure))
        .isEqualTo("RuntimeException <- BatchUpdateException SQLState 22001 (data_exception)")
        .doesNotContain("Curie");

    StringWriter trace = new StringWriter();
    Failures.redacted(failure).printStackTrace(new PrintWriter(trace));
    assertThat(trace.toString())
        .doesNotContain("Curie")
        .contains("java.sql.BatchUpdateException SQLState 22001")
        .contains("at io.vitalflow.kafka.FailuresTest");
    assertThat(Failures.describe(new RuntimeException("x".repeat(10_000))))
        .hasSizeLessThanOrEqualTo(303);
  }
}
