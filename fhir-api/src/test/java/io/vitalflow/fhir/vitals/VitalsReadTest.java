package io.vitalflow.fhir.vitals;

import io.vitalflow.fhir.ReadOnlyServer;
import io.vitalflow.local.LocalStack;
import io.vitalflow.storage.PostgresCoordinates;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.test.web.reactive.server.WebTestClient;

/** The vitals reads against a real PostgreSQL with the real schema. */
class VitalsReadTest {

  private static ReadOnlyServer server;
  private static WebTestClient client;
  private static final Instant NOW = Instant.now().truncatedTo(ChronoUnit.SECONDS);

  @BeforeAll
  static void start() throws Exception {
    PostgresCoordinates database = LocalStack.shared().freshDatabase("vitals_read");
    try (Connection connection = database.dataSource().getConnection();
        Statement statement = connection.createStatement()) {
      for (int minutesAgo = 0; minutesAgo < 30; minutesAgo++) {
        statement.execute(
            "insert into vital_reading values ('p1', '8867-4', '"
                + NOW.minusSeconds(60L * minutesAgo)
                + "', "
                + (60 + minutesAgo)
                + ", '/min', 'd1', 'r"
                + minutesAgo
                + "', now(), now())");
      }
      statement.execute(
          "insert into vital_reading values ('p1', '8867-4', '"
              + NOW.minus(2, ChronoUnit.DAYS)
              + "', 50, '/min', 'd1', 'old', now(), now())");
      statement.execute(
          "insert into vital_reading values ('p2', '8867-4', '"
              + NOW
              + "', 99, '/min', 'd2', 'x', now(), now())");
      // a reading dated 115 s ahead must not hide the real one until its time
      Instant real = NOW.minusSeconds(10);
      Instant ahead = NOW.plusSeconds(115);
      statement.execute(
          "insert into vital_reading values ('pf', '8867-4', '"
              + real
              + "', 70, '/min', 'd1', 'real', now(), now()), ('pf', '8867-4', '"
              + ahead
              + "', 150, '/min', 'd1', 'ahead', now(), now())");
      for (Instant time : new Instant[] {real, ahead}) {
        Instant start = time.truncatedTo(ChronoUnit.MINUTES);
        double value = time == real ? 70 : 150;
        statement.execute(
            "insert into vital_aggregate_1m values ('pf', '8867-4', '"
                + start
                + "', '"
                + start.plusSeconds(60)
                + "', '/min', 1, "
                + value
                + ", "
                + value
                + ", "
                + value
                + ", "
                + value
                + ", "
                + value
                + ", '"
                + time
                + "')");
      }
      Instant minute = NOW.truncatedTo(ChronoUnit.MINUTES);
      statement.execute(
          "insert into vital_aggregate_1m values ('p1', '8867-4', '"
              + minute.minusSeconds(60)
              + "', '"
              + minute
              + "', '/min', 2, 50, 55, 105, 52.5, 55, '"
              + minute.minusSeconds(1)
              + "')");
      statement.execute(
          "insert into vital_aggregate_1m values ('p1', '8867-4', '"
              + minute
              + "', '"
              + minute.plusSeconds(60)
              + "', '/min', 1, 60, 60, 60, 60, 60, '"
              + NOW
              + "')");
      statement.execute(
          "insert into vital_aggregate_1m values ('p1', '59408-5', '"
              + minute
              + "', '"
              + minute.plusSeconds(60)
              + "', '%', 1, 97, 97, 97, 97, 97, '"
              + NOW
              + "')");
      statement.execute(
          "insert into vital_aggregate_1h values ('p1', '8867-4', '"
              + NOW.truncatedTo(ChronoUnit.HOURS)
              + "', '"
              + NOW.truncatedTo(ChronoUnit.HOURS).plusSeconds(3600)
              + "', '/min', 30, 60, 89, 2235, 74.5, 60, '"
              + NOW
              + "')");
      statement.execute(
          "insert into vital_aggregate_1h values ('p1', '8867-4', '"
              + NOW.minus(9, ChronoUnit.DAYS)
              + "', '"
              + NOW.minus(9, ChronoUnit.DAYS).plusSeconds(3600)
              + "', '/min', 1, 1, 1, 1, 1, 1, '"
              + NOW
              + "')");
    }
    server = ReadOnlyServer.start(database);
    client = server.client();
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  @Test
  void latestGivesOneValuePerCode() {
    client
        .get()
        .uri("/api/v1/patients/p1/vitals/latest")
        .exchange()
        .expectStatus()
        .isOk()
        .expectBody()
        .jsonPath("$.length()")
        .isEqualTo(2)
        .jsonPath("$[?(@.code == '59408-5')].value")
        .isEqualTo(97.0)
        .jsonPath("$[?(@.code == '8867-4')].value")
        .isEqualTo(60.0);
  }

  @Test
  void aReadingDatedAheadIsNotTheLatestBeforeItsTime() {
    client
        .get()
        .uri("/api/v1/patients/pf/vitals/latest")
        .exchange()
        .expectStatus()
        .isOk()
        .expectBody()
        .jsonPath("$.length()")
        .isEqualTo(1)
        .jsonPath("$[0].value")
        .isEqualTo(70.0);
    client
        .get()
        .uri("/api/v1/patients/pf/vitals")
        .exchange()
        .expectBody()
        .jsonPath("$.length()")
        .isEqualTo(1)
        .jsonPath("$[0].value")
        .isEqualTo(70.0);
    client
        .get()
        .uri("/fhir/Observation/$lastn?patient=pf&category=vital-signs")
        .exchange()
        .expectStatus()
        .isOk()
        .expectBody()
        .jsonPath("$.entry.length()")
        .isEqualTo(1)
        .jsonPath("$.entry[0].resource.valueQuantity.value")
        .isEqualTo(70.0);
  }

  @Test
  void recentReadingsAreNewestFirstLimitedAndWithinTheWindow() {
    client
        .get()
        .uri("/api/v1/patients/p1/vitals?limit=5")
        .exchange()
        .expectStatus()
        .isOk()
        .expectBody()
        .jsonPath("$.length()")
        .isEqualTo(5)
        .jsonPath("$[0].value")
        .isEqualTo(60.0)
        .jsonPath("$[4].value")
        .isEqualTo(64.0);
    client
        .get()
        .uri("/api/v1/patients/p1/vitals")
        .exchange()
        .expectBody()
        .jsonPath("$.length()")
        .isEqualTo(30);
  }

  @Test
  void hourlyAggregatesCoverTheLastSevenDays() {
    client
        .get()
        .uri("/api/v1/patients/p1/vitals/hourly")
        .exchange()
        .expectStatus()
        .isOk()
        .expectBody()
        .jsonPath("$.length()")
        .isEqualTo(1)
        .jsonPath("$[0].count")
        .isEqualTo(30)
        .jsonPath("$[0].mean")
        .isEqualTo(74.5);
  }

  @Test
  void badParametersGetProblemDetails() {
    client
        .get()
        .uri("/api/v1/patients/p1/vitals?limit=0")
        .exchange()
        .expectStatus()
        .isBadRequest()
        .expectHeader()
        .contentType("application/problem+json")
        .expectBody()
        .jsonPath("$.detail")
        .value(
            detail ->
                org.assertj.core.api.Assertions.assertThat((String) detail).contains("limit"));
    client
        .get()
        .uri("/api/v1/patients/bad%20id/vitals/latest")
        .exchange()
        .expectStatus()
        .isBadRequest();
  }
}
