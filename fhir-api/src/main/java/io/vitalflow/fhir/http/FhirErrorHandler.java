package io.vitalflow.fhir.http;

import io.vitalflow.fhir.search.InvalidSearchException;
import io.vitalflow.fhir.write.CommandSender;
import io.vitalflow.fhir.write.TransactionRejected;
import io.vitalflow.kafka.Failures;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.hl7.fhir.r4.model.OperationOutcome.IssueType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.annotation.Order;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferLimitException;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.stereotype.Component;
import org.springframework.web.ErrorResponse;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebExceptionHandler;
import reactor.core.publisher.Mono;

/**
 * Every error under {@code /fhir} becomes an {@code OperationOutcome} with the right status, in the
 * format the client asked for: our own errors, and Spring's (unknown route 404, wrong method 405,
 * unsupported media type 415, body too large 413) where they reach this handler; {@link
 * FhirSpringErrors} does the same for those Spring answers inside the dispatcher.
 */
@Component
@Order(-2)
final class FhirErrorHandler implements WebExceptionHandler {

  private static final Logger log = LoggerFactory.getLogger(FhirErrorHandler.class);

  /** What a 503 asks the client to wait, in seconds. */
  static final String RETRY_AFTER_SECONDS = "2";

  @Override
  public Mono<Void> handle(ServerWebExchange exchange, Throwable failure) {
    if (!isFhir(exchange)) {
      return Mono.error(failure);
    }
    FhirError error = asFhirError(failure);
    ServerHttpResponse response = exchange.getResponse();
    if (response.isCommitted()) {
      return Mono.error(failure);
    }
    FhirFormat format =
        FhirFormat.ofResponse(
            exchange.getRequest().getQueryParams().getFirst("_format"),
            exchange.getRequest().getHeaders().getAccept());
    byte[] body = format.fromJson(Outcomes.error(error)).getBytes(StandardCharsets.UTF_8);
    response.setStatusCode(error.status());
    if (error.status() == HttpStatus.SERVICE_UNAVAILABLE) {
      // Kafka or the database is away for a moment: say when to come back (clients and HAProxy
      // retry on it, docs/deployment.md)
      response.getHeaders().set(HttpHeaders.RETRY_AFTER, RETRY_AFTER_SECONDS);
    }
    if (failure instanceof ErrorResponse spring) {
      response.getHeaders().addAll(spring.getHeaders()); // e.g. Allow of a 405
    }
    response.getHeaders().setContentType(format.mediaType());
    response.getHeaders().setContentLength(body.length);
    DataBuffer buffer = response.bufferFactory().wrap(body);
    return response.writeWith(Mono.just(buffer));
  }

  /**
   * A database that cannot be reached or is restarting (connection refused or closed, pool timeout,
   * SQLState classes 08 and 57P: admin shutdown, cannot connect now): a retryable 503, not a 500.
   */
  static boolean databaseUnavailable(Throwable failure) {
    int depth = 0;
    for (Throwable t = failure; t != null && depth < 16; t = t.getCause(), depth++) {
      if (t instanceof java.net.ConnectException
          || t instanceof java.nio.channels.ClosedChannelException
          || t instanceof io.r2dbc.spi.R2dbcTransientResourceException
          || t instanceof io.r2dbc.spi.R2dbcNonTransientResourceException
          || t instanceof io.r2dbc.spi.R2dbcTimeoutException
          || t instanceof java.sql.SQLTransientConnectionException
          || t instanceof org.springframework.dao.DataAccessResourceFailureException) {
        return true;
      }
      String state =
          t instanceof io.r2dbc.spi.R2dbcException r2dbc
              ? r2dbc.getSqlState()
              : t instanceof java.sql.SQLException sql ? sql.getSQLState() : null;
      if (state != null && (state.startsWith("08") || state.startsWith("57P"))) {
        return true;
      }
    }
    return false;
  }

  static boolean isFhir(ServerWebExchange exchange) {
    return exchange.getRequest().getPath().value().startsWith("/fhir");
  }

  static FhirError asFhirError(Throwable failure) {
    if (failure instanceof FhirError fhir) {
      return fhir;
    }
    if (failure instanceof CommandSender.OutcomeUnknown unknown) {
      // not a 503: a plain retry could apply the write twice (docs/fhir.md, "When Kafka fails")
      log.warn("FHIR write: {}", unknown.getMessage());
      return new FhirError(
          HttpStatus.GATEWAY_TIMEOUT,
          IssueType.TIMEOUT,
          unknown.getMessage()
              + ". Read the resource before repeating the write (an update with If-Match or a"
              + " conditional create can be repeated as it is)");
    }
    if (failure instanceof org.apache.kafka.common.KafkaException) {
      return new FhirError(
          HttpStatus.SERVICE_UNAVAILABLE,
          IssueType.TRANSIENT,
          "The write could not be handed to Kafka (" + failure.getMessage() + "); retry later");
    }
    if (databaseUnavailable(failure)) {
      log.warn("FHIR request: the database is unavailable ({})", Failures.describe(failure));
      return new FhirError(
          HttpStatus.SERVICE_UNAVAILABLE,
          IssueType.TRANSIENT,
          "The database is not reachable right now; retry later");
    }
    if (failure instanceof InvalidSearchException search) {
      return FhirError.badRequest(search.getMessage());
    }
    if (failure instanceof TransactionRejected rejected) {
      return new FhirError(rejected.status(), rejected.code(), rejected.getMessage());
    }
    if (failure instanceof DataBufferLimitException
        || failure.getCause() instanceof DataBufferLimitException) {
      return new FhirError(
          HttpStatus.CONTENT_TOO_LARGE, IssueType.TOOCOSTLY, "The request body is too large");
    }
    if (failure instanceof ErrorResponse status) {
      HttpStatusCode code = status.getStatusCode();
      if (code.value() == 413 || failure.getCause() instanceof DataBufferLimitException) {
        return new FhirError(
            HttpStatus.CONTENT_TOO_LARGE, IssueType.TOOCOSTLY, "The request body is too large");
      }
      HttpStatus resolved = HttpStatus.resolve(code.value());
      IssueType type =
          switch (code.value()) {
            case 404 -> IssueType.NOTFOUND;
            case 405, 415, 406 -> IssueType.NOTSUPPORTED;
            default -> code.is5xxServerError() ? IssueType.EXCEPTION : IssueType.INVALID;
          };
      String reason =
          status.getBody().getDetail() != null
              ? status.getBody().getDetail()
              : java.util.Objects.requireNonNullElse(failure.getMessage(), code.toString());
      return new FhirError(
          resolved == null ? HttpStatus.INTERNAL_SERVER_ERROR : resolved, type, List.of(reason));
    }
    log.error(
        "FHIR request failed", Failures.redacted(failure)); // messages may quote resource content
    return new FhirError(
        HttpStatus.INTERNAL_SERVER_ERROR,
        IssueType.EXCEPTION,
        "Internal error; the server log has the details");
  }
}
