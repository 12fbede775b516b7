package io.vitalflow.fhir.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.r2dbc.spi.R2dbcNonTransientResourceException;
import java.net.ConnectException;
import java.sql.SQLException;
import org.junit.jupiter.api.Test;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.mock.http.server.reactive.MockServerHttpRequest;
import org.springframework.mock.web.server.MockServerWebExchange;

/**
 * A database that is away (restarting, unreachable) is a retryable 503 with {@code Retry-After},
 * not a 500: found by the cluster's fault scenario (creates answered 500 while PostgreSQL
 * restarted).
 */
class FhirErrorHandlerTest {

  private final FhirErrorHandler handler = new FhirErrorHandler();

  @Test
  void aDatabaseThatIsAwayIsARetryable503() {
    for (Throwable away :
        new Throwable[] {
          new R2dbcNonTransientResourceException("Connection refused", "08001"),
          new IllegalStateException("pool", new ConnectException("Connection refused")),
          new RuntimeException(new SQLException("terminating connection", "57P01")),
          new SQLException("the database system is starting up", "57P03")
        }) {
      MockServerWebExchange exchange = handle(away);
      assertThat(exchange.getResponse().getStatusCode())
          .as(away.toString())
          .isEqualTo(HttpStatus.SERVICE_UNAVAILABLE);
      assertThat(exchange.getResponse().getHeaders().getFirst(HttpHeaders.RETRY_AFTER))
          .isEqualTo("2");
      assertThat(exchange.getResponse().getBodyAsString().block())
          .contains("\"OperationOutcome\"")
          .contains("\"transient\"");
    }
  }

  @Test
  void otherFailuresStay500WithoutRetryAfter() {
    for (Throwable other :
        new Throwable[] {
          new IllegalStateException("bug"), new SQLException("duplicate key", "23505")
        }) {
      MockServerWebExchange exchange = handle(other);
      assertThat(exchange.getResponse().getStatusCode())
          .as(other.toString())
          .isEqualTo(HttpStatus.INTERNAL_SERVER_ERROR);
      assertThat(exchange.getResponse().getHeaders().getFirst(HttpHeaders.RETRY_AFTER)).isNull();
    }
  }

  private MockServerWebExchange handle(Throwable failure) {
    MockServerWebExchange exchange =
        MockServerWebExchange.from(MockServerHttpRequest.post("/fhir/Patient").build());
    handler.handle(exchange, failure).block();
    return exchange;
  }
}
