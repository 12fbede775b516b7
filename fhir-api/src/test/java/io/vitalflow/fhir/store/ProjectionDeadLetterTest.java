package io.vitalflow.fhir.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.r2dbc.spi.ConnectionFactories;
import io.r2dbc.spi.ConnectionFactoryOptions;
import io.vitalflow.local.LocalStack;
import io.vitalflow.schemas.FhirResourceVersion;
import io.vitalflow.schemas.Topics;
import io.vitalflow.storage.PostgresCoordinates;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.r2dbc.core.DatabaseClient;
import reactor.core.publisher.Mono;

/**
 * {@link ProjectionBatch#deadLettered}, the hook the sink calls for a record it set aside, on a
 * real PostgreSQL: the client waiting for that write hears a 500 outcome at once (NOTIFY, as for
 * every outcome, and the {@code fhir_request} row for a waiter that missed it), and nothing of the
 * version becomes visible.
 */
class ProjectionDeadLetterTest {

  private static final String PREFIX = "dlt.";
  private static final String REASON = "SQLState 54000 (PSQLException)";

  private static PostgresCoordinates database;
  private static WriteNotifications notifications;
  private static ResourceStore store;

  @BeforeAll
  static void start() {
    database = LocalStack.shared().freshDatabase("projection_dead_letter");
    notifications = new WriteNotifications(database.dataSource());
    notifications.start(Duration.ofSeconds(10));
    ConnectionFactoryOptions options =
        ConnectionFactoryOptions.parse(database.r2dbcUrl())
            .mutate()
            .option(ConnectionFactoryOptions.USER, database.user())
            .option(ConnectionFactoryOptions.PASSWORD, database.password())
            .build();
    store = new ResourceStore(DatabaseClient.create(ConnectionFactories.get(options)));
  }

  @AfterAll
  static void stop() {
    notifications.close();
  }

  private static ConsumerRecord<byte[], byte[]> version(
      String requestId, String id, long versionId) {
    FhirResourceVersion version =
        FhirResourceVersion.newBuilder()
            .setRequestId(requestId)
            .setResourceType("Patient")
            .setResourceId(id)
            .setVersionId(versionId)
            .setLastUpdated(Instant.parse("2026-01-01T00:00:00Z"))
            .setDeleted(false)
            .setResource(
                "{\"resourceType\":\"Patient\",\"id\":\""
                    + id
                    + "\",\"name\":[{\"family\":\"Secret\"}]}")
            .build();
    byte[] value = Topics.FHIR_RESOURCES.valueSerde().serializer().serialize(null, version);
    return new ConsumerRecord<>(
        PREFIX + Topics.FHIR_RESOURCES.name(), 3, 42, ("Patient/" + id).getBytes(), value);
  }

  @Test
  void theWaitingWriterGetsA500AndNothingOfTheVersionIsVisible() throws Exception {
    String requestId = UUID.randomUUID().toString();
    String id = "poison-" + requestId.substring(0, 8);
    Mono<WriteOutcome> waiting = notifications.await(requestId);
    ConsumerRecord<byte[], byte[]> poison = version(requestId, id, 1);
    String otherRequest = UUID.randomUUID().toString();
    Mono<WriteOutcome> otherWaiting = notifications.await(otherRequest);

    ProjectionBatch batch =
        new ProjectionBatch(PREFIX, new IndexedProjection(), new SimpleMeterRegistry());
    try (Connection connection = database.dataSource().getConnection()) {
      connection.setAutoCommit(false);
      // the poison record may still be buffered beside a good one: the hook drops it, so a write
      // cannot store it
      batch.add(poison);
      batch.add(version(otherRequest, "fine-" + requestId.substring(0, 8), 1));
      batch.deadLettered(poison, REASON, connection);
      batch.write(connection);
      connection.commit();
    }

    WriteOutcome outcome = waiting.block(Duration.ofSeconds(5));
    assertThat(outcome).isNotNull();
    assertThat(outcome.status()).isEqualTo(500);
    assertThat(outcome.message())
        .startsWith(ProjectionBatch.NOT_STORED)
        .contains(REASON)
        .contains(PREFIX + "fhir.resources.v1-3@42")
        .doesNotContain("Secret");
    assertThat(outcome.versionId()).isNull();
    assertThat(otherWaiting.block(Duration.ofSeconds(5)).status()).isEqualTo(201);

    // a waiter that missed the notification reads the same from fhir_request
    WriteOutcome recorded = store.outcome(requestId).block(Duration.ofSeconds(5));
    assertThat(recorded.status()).isEqualTo(500);
    assertThat(recorded.message()).isEqualTo(outcome.message());

    assertThat(count("select count(*) from fhir_resource where res_id = '" + id + "'")).isZero();
    assertThat(count("select count(*) from fhir_resource_history where res_id = '" + id + "'"))
        .isZero();
    assertThat(count("select count(*) from fhir_search_string where res_id = '" + id + "'"))
        .isZero();
    assertThat(
            count(
                "select count(*) from fhir_resource where res_id = 'fine-"
                    + requestId.substring(0, 8)
                    + "'"))
        .isEqualTo(1);
  }

  @Test
  void aSetAsideLaterVersionLeavesTheResourceAsItWas() throws Exception {
    String id = "kept-" + UUID.randomUUID().toString().substring(0, 8);
    ProjectionBatch batch =
        new ProjectionBatch(PREFIX, new IndexedProjection(), new SimpleMeterRegistry());
    try (Connection connection = database.dataSource().getConnection()) {
      connection.setAutoCommit(false);
      batch.add(version(UUID.randomUUID().toString(), id, 1));
      batch.write(connection);
      connection.commit();
      batch.clear();
      String requestId = UUID.randomUUID().toString();
      Mono<WriteOutcome> waiting = notifications.await(requestId);
      batch.deadLettered(version(requestId, id, 2), REASON, connection);
      connection.commit();
      assertThat(waiting.block(Duration.ofSeconds(5)).status()).isEqualTo(500);
    }
    assertThat(count("select version_id from fhir_resource where res_id = '" + id + "'"))
        .isEqualTo(1);
    assertThat(count("select count(*) from fhir_resource_history where res_id = '" + id + "'"))
        .isEqualTo(1);
  }

  @Test
  void theHookDoesNotFailOnTheValuesOfTheRecordItReports() throws Exception {
    // an id far beyond a NOTIFY payload (8,000 bytes) and an index entry: the outcome still reaches
    // the writer
    String requestId = UUID.randomUUID().toString();
    Mono<WriteOutcome> waiting = notifications.await(requestId);
    ProjectionBatch batch =
        new ProjectionBatch(PREFIX, new IndexedProjection(), new SimpleMeterRegistry());
    try (Connection connection = database.dataSource().getConnection()) {
      connection.setAutoCommit(false);
      batch.deadLettered(
          version(requestId, "x".repeat(20_000), 1),
          "a reason\twith\nbreaks " + "y".repeat(5_000),
          connection);
      connection.commit();
    }
    WriteOutcome outcome = waiting.block(Duration.ofSeconds(5));
    assertThat(outcome.status()).isEqualTo(500);
    assertThat(outcome.resourceId()).hasSize(200);
    assertThat(outcome.message()).doesNotContain("\t", "\n").hasSizeLessThan(600);
  }

  @Test
  void anUndecodableRecordIsSkippedWithoutAnOutcome() throws Exception {
    ProjectionBatch batch =
        new ProjectionBatch(PREFIX, new IndexedProjection(), new SimpleMeterRegistry());
    long before = count("select count(*) from fhir_request");
    try (Connection connection = database.dataSource().getConnection()) {
      connection.setAutoCommit(false);
      batch.deadLettered(
          new ConsumerRecord<>(
              PREFIX + Topics.FHIR_RESOURCES.name(), 0, 7, new byte[0], new byte[] {1, 2, 3}),
          REASON,
          connection);
      connection.commit();
    }
    assertThat(count("select count(*) from fhir_request")).isEqualTo(before);
  }

  private static long count(String sql) throws SQLException {
    try (Connection connection = database.dataSource().getConnection();
        var statement = connection.createStatement();
        ResultSet rows = statement.executeQuery(sql)) {
      rows.next();
      return rows.getLong(1);
    }
  }
}
