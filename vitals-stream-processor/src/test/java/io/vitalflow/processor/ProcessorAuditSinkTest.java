package io.vitalflow.processor;

import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.vitalflow.audit.AuditRecord;
import io.vitalflow.audit.AuditSubtype;
import io.vitalflow.audit.AuditTrail;
import io.vitalflow.local.LocalStack;
import io.vitalflow.storage.PostgresCoordinates;
import java.nio.file.Files;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The processor runs the audit sink: an event recorded on {@code audit.v1} is stored in its
 * database's {@code audit_event}; a pool without room for the audit sink's consumers is refused at
 * start.
 */
class ProcessorAuditSinkTest {

  private final LocalStack stack = LocalStack.shared();

  private List<String> args(PostgresCoordinates database, String prefix, String... more)
      throws Exception {
    List<String> args =
        new ArrayList<>(
            List.of(
                "--server.port=0",
                "--spring.kafka.bootstrap-servers=" + stack.kafkaBootstrap(),
                "--spring.datasource.url=" + database.jdbcUrl(),
                "--spring.datasource.username=" + database.user(),
                "--spring.datasource.password=" + database.password(),
                "--vitalflow.processor.topic-prefix=" + prefix,
                "--vitalflow.processor.application-id=" + prefix + "processor",
                "--vitalflow.processor.state-dir=" + Files.createTempDirectory("streams-"),
                "--vitalflow.processor.medications-enabled=false",
                "--vitalflow.audit.enabled=true",
                "--vitalflow.audit.topic-prefix=" + prefix,
                "--vitalflow.audit.sink-group=" + prefix + "audit-sink",
                "--vitalflow.audit.sink-linger=50ms"));
    args.addAll(List.of(more));
    return args;
  }

  @Test
  void anAuditEventOnTheTopicIsStoredInAuditEvent() throws Exception {
    PostgresCoordinates database = stack.freshDatabase("processor-audit");
    String prefix = stack.freshTopicPrefix();
    try (ConfigurableApplicationContext app =
        VitalsProcessorApplication.builder().run(args(database, prefix).toArray(String[]::new))) {
      AuditRecord event =
          AuditRecord.builder("fhir-api", AuditSubtype.READ)
              .status(200)
              .agent("nurse-a", "vitalflow-ward")
              .patient("p-audit")
              .build();
      app.getBean(AuditTrail.class).record(event);
      await()
          .atMost(Duration.ofSeconds(60))
          .until(() -> storedPatientOf(database, event).equals("p-audit"));
    }
  }

  @Test
  void aPoolWithoutRoomForTheAuditSinkIsRefusedAtStart() throws Exception {
    PostgresCoordinates database = stack.freshDatabase("processor-audit-pool");
    List<String> args =
        args(
            database,
            stack.freshTopicPrefix(),
            "--vitalflow.audit.sink-threads=5",
            "--spring.datasource.hikari.maximum-pool-size=10");
    assertThatThrownBy(
            () -> VitalsProcessorApplication.builder().run(args.toArray(String[]::new)).close())
        .rootCause()
        .hasMessageContaining("spring.datasource.hikari.maximum-pool-size (10)")
        .hasMessageContaining("vitalflow.audit.sink-threads");
  }

  private static String storedPatientOf(PostgresCoordinates database, AuditRecord event)
      throws Exception {
    try (Connection connection = database.dataSource().getConnection();
        Statement statement = connection.createStatement();
        ResultSet rows =
            statement.executeQuery(
                "select patient_ids[1] from audit_event where id = '" + event.id() + "'")) {
      return rows.next() ? rows.getString(1) : "";
    }
  }
}
