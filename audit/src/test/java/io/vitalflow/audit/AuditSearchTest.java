package io.vitalflow.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.r2dbc.spi.ConnectionFactories;
import io.r2dbc.spi.ConnectionFactory;
import io.r2dbc.spi.ConnectionFactoryOptions;
import io.vitalflow.local.LocalStack;
import io.vitalflow.storage.PostgresCoordinates;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.springframework.r2dbc.core.DatabaseClient;

/** Searching {@code audit_event} over R2DBC on a real PostgreSQL: every filter, paging, errors. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AuditSearchTest {

  private final LocalStack stack = LocalStack.shared();
  private AuditSearch search;
  private final List<AuditRecord> events = new ArrayList<>();

  @BeforeAll
  void store() throws Exception {
    PostgresCoordinates database = stack.freshDatabase("audit_search");
    events.add(
        event(
            AuditSubtype.READ, 200, "2026-01-10T10:00:00Z", "nurse.ana", "ward-dashboard", "p-1"));
    events.add(
        event(
            AuditSubtype.VITALS_INGEST,
            207,
            "2026-01-11T08:30:00Z",
            null,
            "gateway-7",
            "p-1",
            "p-2"));
    events.add(
        event(
            AuditSubtype.AUTHORIZATION,
            403,
            "2026-02-01T12:00:00Z",
            "nurse.bia",
            "ward-dashboard",
            "p-2"));
    events.add(event(AuditSubtype.AUTHENTICATION, 401, "2026-02-15T00:00:00Z", null, null));
    events.add(event(AuditSubtype.DELETE, 500, "2026-03-01T09:00:00.250Z", "svc", "svc", "p-3"));
    AuditBatch batch = new AuditBatch();
    for (AuditRecord event : events) {
      batch.add(
          new ConsumerRecord<>(
              "audit.v1", 0, 0, null, AuditEvents.toJson(event).getBytes(StandardCharsets.UTF_8)));
    }
    try (Connection connection = database.dataSource().getConnection()) {
      connection.setAutoCommit(false);
      batch.write(connection);
      connection.commit();
    }
    ConnectionFactory factory =
        ConnectionFactories.get(
            ConnectionFactoryOptions.parse(database.r2dbcUrl())
                .mutate()
                .option(ConnectionFactoryOptions.USER, database.user())
                .option(ConnectionFactoryOptions.PASSWORD, database.password())
                .build());
    search = new AuditSearch(DatabaseClient.create(factory), 3, 4);
  }

  @Test
  void byPatient() {
    assertThat(found("patient", "p-1")).containsExactly(2, 1);
    assertThat(found("patient", "Patient/p-2")).containsExactly(3, 2);
    assertThat(found("patient", "p-1,p-3")).containsExactly(5, 2, 1);
    assertThat(found(Map.of("patient", List.of("p-1", "p-2")))).containsExactly(2);
    assertThat(found("patient", "p-404")).isEmpty();
  }

  @Test
  void everyFoundEventIsTheDocumentThatWasProduced() {
    // the table keeps columns only: each event is written again from them, and must be the same
    // JSON
    List<String> found = new ArrayList<>();
    AuditPage page = search.search(Map.of()).block(Duration.ofSeconds(10));
    found.addAll(page.events());
    while (page.next().isPresent()) {
      page =
          search
              .search(Map.of("_cursor", List.of(page.next().get())))
              .block(Duration.ofSeconds(10));
      found.addAll(page.events());
    }
    assertThat(found)
        .containsExactlyInAnyOrderElementsOf(events.stream().map(AuditEvents::toJson).toList());
  }

  @Test
  void byAgentSubjectOrClient() {
    assertThat(found("agent", "ward-dashboard")).containsExactly(3, 1);
    assertThat(found("agent", "nurse.ana")).containsExactly(1);
    assertThat(found("agent", "gateway-7")).containsExactly(2);
  }

  @Test
  void byDateWithPrefixes() {
    assertThat(found("date", "2026-01")).containsExactly(2, 1);
    assertThat(found("date", "eq2026-01-10")).containsExactly(1);
    assertThat(found("date", "ge2026-02-01")).containsExactly(5, 4, 3);
    assertThat(found("date", "gt2026-02-01")).containsExactly(5, 4);
    assertThat(found("date", "lt2026-02-01")).containsExactly(2, 1);
    assertThat(found("date", "le2026-01-10")).containsExactly(1);
    assertThat(found("date", "2026-01-10T10:00:00Z")).containsExactly(1);
    assertThat(found("date", "2026-03-01T10:00:00+01:00")).containsExactly(5);
    assertThat(found("date", "2026-03-01T10:00:01+01:00")).isEmpty();
    assertThat(found("date", "2026-03-01T09:00:00.251Z")).isEmpty();
    assertThat(found("date", "2026-03-01T10:00+01:00")).containsExactly(5);
    assertThat(found("date", "2026-03-01T09:00:00.250Z")).containsExactly(5);
    assertThat(found(Map.of("date", List.of("ge2026-01-11", "le2026-02-01"))))
        .containsExactly(3, 2);
  }

  @Test
  void byActionOutcomeAndSubtype() {
    assertThat(found("action", "R")).containsExactly(1);
    assertThat(found("action", "C")).containsExactly(2);
    assertThat(found("action", "D")).containsExactly(5);
    assertThat(found("action", "E")).containsExactly(4, 3);
    assertThat(found("action", "C,D")).containsExactly(5, 2);
    assertThat(found("outcome", "0")).containsExactly(2, 1);
    assertThat(found("outcome", "4")).containsExactly(4, 3);
    assertThat(found("outcome", "8")).containsExactly(5);
    assertThat(found("subtype", "read")).containsExactly(1);
    assertThat(found("subtype", "http://hl7.org/fhir/restful-interaction|delete"))
        .containsExactly(5);
    assertThat(found("subtype", "vitals-ingest")).containsExactly(2);
    assertThat(
            found(
                Map.of(
                    "agent", List.of("ward-dashboard"),
                    "outcome", List.of("4"),
                    "patient", List.of("p-2"))))
        .containsExactly(3);
  }

  @Test
  void pagesNewestFirstByCursorAndCapsTheCount() {
    AuditPage first = search.search(Map.of("_count", List.of("2"))).block(Duration.ofSeconds(10));
    assertThat(indexes(first)).containsExactly(5, 4);
    AuditPage second =
        search
            .search(Map.of("_count", List.of("2"), "_cursor", List.of(first.next().orElseThrow())))
            .block(Duration.ofSeconds(10));
    assertThat(indexes(second)).containsExactly(3, 2);
    AuditPage last =
        search
            .search(Map.of("_count", List.of("2"), "_cursor", List.of(second.next().orElseThrow())))
            .block(Duration.ofSeconds(10));
    assertThat(indexes(last)).containsExactly(1);
    assertThat(last.next()).isEmpty();
    // the maximum page size (4 here) wins over a larger _count
    assertThat(indexes(search.search(Map.of("_count", List.of("1000"))).block()))
        .containsExactly(5, 4, 3, 2);
  }

  @Test
  void aBadParameterIsAnErrorNamingWhatIsExpected() {
    assertInvalid(Map.of("name", List.of("x")), "unknown search parameter of AuditEvent: name");
    assertInvalid(Map.of("date", List.of("yesterday")), "date: expected");
    assertInvalid(Map.of("date", List.of("ap2026")), "date: expected");
    assertInvalid(Map.of("date", List.of("2026-13")), "date: expected");
    assertInvalid(Map.of("outcome", List.of("5")), "outcome: expected 0, 4, 8 or 12");
    assertInvalid(Map.of("action", List.of("X")), "action: expected C, R, U, D or E");
    assertInvalid(Map.of("subtype", List.of("http://other|read")), "subtype: expected");
    assertInvalid(Map.of("patient", List.of("a b")), "patient: expected");
    assertInvalid(Map.of("_count", List.of("0")), "_count: expected");
    assertInvalid(Map.of("_cursor", List.of("bm90IGEgY3Vyc29y")), "_cursor: not a cursor");
    assertThat(found(Map.of("_format", List.of("json")))).hasSize(3);
  }

  private void assertInvalid(Map<String, List<String>> parameters, String message) {
    assertThatThrownBy(() -> search.search(parameters).block(Duration.ofSeconds(10)))
        .isInstanceOf(InvalidAuditQueryException.class)
        .hasMessageContaining(message);
  }

  private List<Integer> found(String name, String value) {
    return found(Map.of(name, List.of(value)));
  }

  private List<Integer> found(Map<String, List<String>> parameters) {
    return indexes(search.search(new LinkedHashMap<>(parameters)).block(Duration.ofSeconds(10)));
  }

  /** 1-based positions of the found events in {@link #events}. */
  private List<Integer> indexes(AuditPage page) {
    List<Integer> found = new ArrayList<>();
    for (String json : page.events()) {
      AuditRecord record = AuditEvents.fromJson(json);
      found.add(events.indexOf(record) + 1);
    }
    return found;
  }

  private static AuditRecord event(
      AuditSubtype subtype,
      int status,
      String recorded,
      String subject,
      String client,
      String... patients) {
    return AuditRecord.builder("fhir-api", subtype)
        .recorded(Instant.parse(recorded))
        .status(status)
        .agent(subject, client)
        .patients(List.of(patients))
        .build();
  }
}
