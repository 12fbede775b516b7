package io.vitalflow.ingest.vitals;

import ca.uhn.fhir.context.FhirContext;
import io.vitalflow.ingest.IngestProperties;
import io.vitalflow.ingest.vitals.parse.BodyParser;
import io.vitalflow.ingest.vitals.parse.BodyTooLargeException;
import io.vitalflow.ingest.vitals.parse.FhirBodyParser;
import io.vitalflow.ingest.vitals.parse.JsonBodyParser;
import io.vitalflow.ingest.vitals.parse.MalformedBodyException;
import io.vitalflow.ingest.vitals.parse.NdjsonBodyParser;
import io.vitalflow.ingest.vitals.parse.ParsedBatch;
import io.vitalflow.ingest.vitals.publish.VitalsPublisher;
import io.vitalflow.ingest.vitals.validate.DeviceAccess;
import io.vitalflow.ingest.vitals.validate.DeviceRegistry;
import io.vitalflow.ingest.vitals.validate.ReadingValidator;
import io.vitalflow.ingest.vitals.validate.ValidatedBatch;
import io.vitalflow.web.security.Caller;
import io.vitalflow.web.security.SecuritySettings;
import java.time.Clock;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;
import tools.jackson.core.json.JsonFactory;

/**
 * The use case: take one request body apart, validate every reading, put the valid ones on Kafka
 * and answer with what was accepted and what was not, only once the broker has acknowledged.
 *
 * <p>With security on, the authenticated client may send readings only for the devices registered
 * to it ({@link DeviceRegistry}); with it off there is no client and no device check.
 *
 * <p>Parsing and validation are CPU work without I/O (about a million readings a second on one
 * core), so they run on the thread that received the body; only the Kafka send, which can block,
 * moves elsewhere.
 */
@Component
final class VitalsIngest {

  private static final Logger log = LoggerFactory.getLogger(VitalsIngest.class);

  private final IngestProperties properties;
  private final VitalsPublisher publisher;
  private final IngestMetrics metrics;
  private final ReadingValidator validator;
  private final BodyParser json;
  private final BodyParser ndjson;
  private final BodyParser fhir;
  private final Duration answerTimeout;
  private final boolean secured;
  private final DeviceRegistry devices;

  VitalsIngest(
      IngestProperties properties,
      VitalsPublisher publisher,
      IngestMetrics metrics,
      SecuritySettings security) {
    this.properties = properties;
    this.publisher = publisher;
    this.metrics = metrics;
    this.secured = security.enabled();
    this.devices = new DeviceRegistry(properties.devices());
    this.validator =
        new ReadingValidator(Clock.systemUTC(), properties.clockSkew(), properties.maxAge());
    JsonFactory jsonFactory = new JsonFactory();
    this.json = new JsonBodyParser(jsonFactory);
    this.ndjson = new NdjsonBodyParser(jsonFactory);
    this.fhir = new FhirBodyParser(FhirContext.forR4Cached());
    // the producer gives up after max.block.ms + delivery.timeout.ms; this is the belt to those
    // braces
    this.answerTimeout = properties.deliveryTimeout().multipliedBy(2).plusSeconds(1);
  }

  /**
   * Ingests one body sent by {@code caller}.
   *
   * @return the outcome, once every accepted reading is acknowledged by the broker; errors with
   *     {@link MalformedBodyException}, {@link BodyTooLargeException} or {@link
   *     BrokerUnavailableException}
   */
  Mono<ValidatedBatch> ingest(BodyFormat format, byte[] body, Caller caller) {
    ParsedBatch parsed = parser(format).parse(body, properties.maxBatchSize());
    metrics.batch(parsed.items());
    if (parsed.items() == 0) {
      throw new MalformedBodyException("The batch holds no readings.");
    }
    DeviceAccess allowed = secured ? devices.forClient(caller.clientId()) : DeviceAccess.ANY;
    ValidatedBatch validated = validator.validate(parsed, allowed);
    metrics.rejected(validated.rejected());
    if (!validated.rejected().isEmpty() && log.isDebugEnabled()) {
      log.debug(
          "{} of {} items rejected: {}",
          validated.rejected().size(),
          parsed.items(),
          validated.rejected());
    }
    if (validated.accepted().isEmpty()) {
      return Mono.just(validated);
    }
    long started = System.nanoTime();
    return publisher
        .publish(validated.accepted(), allowed.clientId())
        .timeout(answerTimeout)
        .doOnSuccess(
            done -> {
              metrics.produced(System.nanoTime() - started, true);
              metrics.accepted(validated.accepted().size());
            })
        .onErrorMap(
            e -> {
              metrics.produced(System.nanoTime() - started, false);
              return new BrokerUnavailableException(properties.retryAfter(), e);
            })
        .thenReturn(validated);
  }

  private BodyParser parser(BodyFormat format) {
    return switch (format) {
      case JSON -> json;
      case NDJSON -> ndjson;
      case FHIR_JSON -> fhir;
    };
  }
}
