package io.vitalflow.ingest.vitals;

import io.vitalflow.audit.web.AuditDetails;
import io.vitalflow.ingest.IngestProperties;
import io.vitalflow.ingest.vitals.parse.BodyTooLargeException;
import io.vitalflow.ingest.vitals.validate.ValidatedBatch;
import io.vitalflow.web.security.Caller;
import io.vitalflow.web.security.Callers;
import io.vitalflow.web.security.Interaction;
import io.vitalflow.web.security.Refusals;
import java.net.URI;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferLimitException;
import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

/**
 * {@code POST /api/v1/vitals}: 200 when every reading is stored, 207 when some were rejected, 422
 * when all were; 400 / 413 / 415 for bodies that cannot be read, 503 when Kafka does not
 * acknowledge. Errors are RFC 9457 problem details. A {@code Content-Encoding: gzip} body is
 * inflated first ({@link GzipBody}); the size limit applies to the compressed and to the inflated
 * bytes.
 *
 * <p>With security on, the token must let its caller create Observations for any patient ({@code
 * system/Observation.c} or broader): a device gateway writes for every patient at its beds. Without
 * a token web-support answers 401; with a token that lacks the scope this answers 403 before the
 * body is read.
 */
@RestController
final class VitalsController {

  static final String PATH = "/api/v1/vitals";

  /** What a 403 says: the scope a device gateway's token needs. */
  static final String FORBIDDEN =
      "Sending vital signs needs a token that may create Observations for any patient"
          + " (scope system/Observation.c or broader).";

  private final VitalsIngest ingest;
  private final Refusals refusals;
  private final int maxBodyBytes;

  VitalsController(VitalsIngest ingest, Refusals refusals, IngestProperties properties) {
    this.ingest = ingest;
    this.refusals = refusals;
    this.maxBodyBytes = (int) properties.maxBodySize().toBytes();
  }

  @PostMapping(
      path = PATH,
      consumes = {
        MediaType.APPLICATION_JSON_VALUE,
        MediaType.APPLICATION_NDJSON_VALUE,
        BodyFormat.FHIR_JSON_VALUE
      })
  Mono<ResponseEntity<Object>> post(ServerWebExchange exchange) {
    return Callers.current()
        .flatMap(
            caller ->
                caller.mayForAnyPatient("Observation", Interaction.CREATE)
                    ? post(exchange.getRequest(), caller)
                    // the refusal writes the whole answer; nothing is left for the controller
                    : refusals.forbidden(exchange, FORBIDDEN).then(Mono.empty()));
  }

  private Mono<ResponseEntity<Object>> post(ServerHttpRequest request, Caller caller) {
    BodyFormat format = BodyFormat.of(request.getHeaders().getContentType());
    boolean gzip = GzipBody.isGzip(request.getHeaders());
    return body(request)
        .map(bytes -> gzip ? GzipBody.inflate(bytes, maxBodyBytes, inflatedTooLarge()) : bytes)
        .flatMap(bytes -> ingest.ingest(format, bytes, caller))
        .doOnNext(
            r -> r.accepted().forEach(v -> AuditDetails.of(request).patient(v.getPatientId())))
        .map(result -> answer(result, request));
  }

  /**
   * The whole body, at most {@code max-body-size} bytes (checked before reading when the length is
   * declared).
   */
  private Mono<byte[]> body(ServerHttpRequest request) {
    if (request.getHeaders().getContentLength() > maxBodyBytes) {
      return Mono.error(tooLarge());
    }
    return DataBufferUtils.join(request.getBody(), maxBodyBytes)
        .onErrorMap(DataBufferLimitException.class, e -> tooLarge())
        .map(VitalsController::bytes)
        .defaultIfEmpty(new byte[0]);
  }

  private BodyTooLargeException tooLarge() {
    return new BodyTooLargeException(
        "The body exceeds " + maxBodyBytes + " bytes; split the batch.");
  }

  private BodyTooLargeException inflatedTooLarge() {
    return new BodyTooLargeException(
        "The gzip-encoded body inflates to more than " + maxBodyBytes + " bytes; split the batch.");
  }

  private static byte[] bytes(DataBuffer buffer) {
    try {
      byte[] bytes = new byte[buffer.readableByteCount()];
      buffer.read(bytes);
      return bytes;
    } finally {
      DataBufferUtils.release(buffer);
    }
  }

  private static ResponseEntity<Object> answer(ValidatedBatch result, ServerHttpRequest request) {
    if (result.accepted().isEmpty()) {
      ProblemDetail problem =
          ProblemDetail.forStatusAndDetail(
              HttpStatus.UNPROCESSABLE_CONTENT,
              "No reading was accepted: all "
                  + result.items()
                  + " items were rejected (see 'rejected').");
      problem.setInstance(URI.create(request.getPath().value()));
      problem.setProperty("accepted", 0);
      problem.setProperty("rejected", result.rejected());
      return ResponseEntity.unprocessableContent()
          .contentType(MediaType.APPLICATION_PROBLEM_JSON)
          .body(problem);
    }
    BatchResponse body = new BatchResponse(result.accepted().size(), result.rejected());
    HttpStatus status = result.rejected().isEmpty() ? HttpStatus.OK : HttpStatus.MULTI_STATUS;
    return ResponseEntity.status(status).contentType(MediaType.APPLICATION_JSON).body(body);
  }
}
