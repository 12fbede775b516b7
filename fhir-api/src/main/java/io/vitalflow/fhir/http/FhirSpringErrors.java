package io.vitalflow.fhir.http;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ControllerAdvice;
import org.springframework.web.reactive.result.method.annotation.ResponseEntityExceptionHandler;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

/**
 * Spring's own request errors (no route 404, wrong method 405 with {@code Allow}, unreadable body,
 * body over the codec limit 413, ...) under {@code /fhir} as {@code OperationOutcome}s. With {@code
 * spring.webflux.problemdetails.enabled} Spring answers these inside the dispatcher, before {@link
 * FhirErrorHandler} sees them; elsewhere they stay RFC 9457 problem details.
 */
@ControllerAdvice
final class FhirSpringErrors extends ResponseEntityExceptionHandler {

  @Override
  protected Mono<ResponseEntity<Object>> handleExceptionInternal(
      Exception ex,
      Object body,
      HttpHeaders headers,
      HttpStatusCode status,
      ServerWebExchange exchange) {
    if (!FhirErrorHandler.isFhir(exchange)) {
      return super.handleExceptionInternal(ex, body, headers, status, exchange);
    }
    FhirError error = FhirErrorHandler.asFhirError(ex);
    FhirFormat format =
        FhirFormat.ofResponse(
            exchange.getRequest().getQueryParams().getFirst("_format"),
            exchange.getRequest().getHeaders().getAccept());
    HttpHeaders answer = new HttpHeaders();
    if (headers != null) {
      answer.putAll(headers);
    }
    answer.setContentType(format.mediaType());
    return Mono.just(
        ResponseEntity.status(error.status())
            .headers(answer)
            .body(format.fromJson(Outcomes.error(error))));
  }
}
