package io.vitalflow.ingest.vitals;

import io.vitalflow.audit.web.AuditDetails;
import io.vitalflow.ingest.IngestProperties;
import io.vitalflow.ingest.vitals.parse.BodyTooLargeException;
import io.vitalflow.ingest.vitals.validate.ValidatedBatch;
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
import reactor.core.publisher.Mono;

/**
 * {@code POST /api/v1/vitals}: 200 when every reading is stored, 207 when some were rejected, 422
 * when all were; 400 / 413 / 415 for bodies that cannot be read, 503 when Kafka does not
 * acknowledge. Errors are RFC 9457 problem details. A {@code Content-Encoding: gzip} body is
 * inflated first ({@link GzipBody}); the size limit applies to the compressed and to the inflated
 * bytes.
 */
@RestController
final class VitalsController {

  static final String PATH = "/api/v1/vitals";

  private final VitalsIngest ingest;
  private final int maxBodyBytes;

  VitalsController(VitalsIngest ingest, IngestProperties properties) {
    this.ingest = ingest;
    this.maxBodyBytes = (int) properties.maxBodySize().toBytes();
  }

  @PostMapping(
      path = PATH,
      consumes = {
        MediaType.APPLICATION_JSON_VALUE,
        MediaType.APPLICATION_NDJSON_VALUE,
        BodyFormat.FHIR_JSON_VALUE
      })
  Mono<ResponseEntity<Object>> post(ServerHttpRequest request) {
    BodyFormat format = BodyFormat.of(request.getHeaders().getContentType());
    boolean gzip = GzipBody.isGzip(request.getHeaders());
    return body(request)
        .map(bytes -> gzip ? GzipBody.inflate(bytes, maxBodyBytes, inflatedTooLarge()) : bytes)
        .flatMap(bytes -> ingest.ingest(format, bytes))
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
