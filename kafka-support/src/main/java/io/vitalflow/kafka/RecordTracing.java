package io.vitalflow.kafka;

import io.micrometer.observation.Observation;
import io.micrometer.tracing.Link;
import io.micrometer.tracing.Span;
import io.micrometer.tracing.TraceContext;
import io.micrometer.tracing.Tracer;
import io.micrometer.tracing.handler.TracingObservationHandler;
import io.micrometer.tracing.propagation.Propagator;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.header.internals.RecordHeaders;

/**
 * Carries a trace across Kafka in record headers (W3C {@code traceparent} with Boot's default
 * propagation), so that one trace runs from an HTTP request through the producers, the Streams
 * processors and the sinks to a dashboard frame (docs/observability.md, "Tracing").
 *
 * <p>Why by hand and not by the Kafka clients' observation: the services use plain {@code
 * KafkaProducer}s (one future per batch, not spring-kafka's template), Kafka Streams propagates no
 * context, and a sink writes many records in one transaction. So the producers put the context of
 * one span per batch into the headers ({@link #headersOf}), and each consumer starts its own span
 * from the headers of the record it works on ({@link #startChild}).
 *
 * <p>Cheap when tracing is off: only a sampled span is written into headers, so with the default
 * sampling probability of 0 no record carries a trace header, and a consumer that finds none starts
 * no span ({@link Span#NOOP}); a record costs one header look-up.
 */
public final class RecordTracing {

  /** No tracing: every span is {@link Span#NOOP}, no header is written. */
  public static final RecordTracing OFF = new RecordTracing(Tracer.NOOP, Propagator.NOOP);

  /** The W3C Trace Context header: {@code 00-<trace id>-<span id>-<flags>}. */
  public static final String TRACEPARENT = "traceparent";

  /** At most this many other records' traces are linked from one batch span. */
  public static final int MAX_LINKS = 32;

  private static final Propagator.Getter<Headers> GETTER =
      (headers, key) -> {
        Header header = headers.lastHeader(key);
        return header == null || header.value() == null
            ? null
            : new String(header.value(), StandardCharsets.UTF_8);
      };

  private static final Tracer.SpanInScope NO_SCOPE = () -> {};

  private final Tracer tracer;
  private final Propagator propagator;
  private final List<String> fields;

  private RecordTracing(Tracer tracer, Propagator propagator) {
    this.tracer = Objects.requireNonNull(tracer, "tracer");
    this.propagator = Objects.requireNonNull(propagator, "propagator");
    this.fields = List.copyOf(propagator.fields());
  }

  /** Tracing with this tracer and propagator (a service's Micrometer Tracing beans). */
  public static RecordTracing of(Tracer tracer, Propagator propagator) {
    return tracer == Tracer.NOOP || propagator == Propagator.NOOP
        ? OFF
        : new RecordTracing(tracer, propagator);
  }

  /** The tracer, for scopes ({@link Tracer#withSpan}) around work done in a span. */
  public Tracer tracer() {
    return tracer;
  }

  /**
   * Makes {@code span} the current span until the scope closes, so that log lines name its trace
   * (Micrometer Tracing puts the ids in the MDC); nothing for an unsampled span.
   */
  public Tracer.SpanInScope inScope(Span span) {
    return sampled(span) ? tracer.withSpan(span) : NO_SCOPE;
  }

  /**
   * Whether a span is sampled, so worth propagating. By its context, not {@link Span#isNoop()}: the
   * OpenTelemetry bridge calls an ended span a no-op, and a span's context may be written after it
   * ended.
   */
  public static boolean sampled(Span span) {
    return span != null && Boolean.TRUE.equals(span.context().sampled());
  }

  /**
   * The span of an observation (e.g. the HTTP server request's, found in the Reactor context), or
   * {@link Span#NOOP} when it has none.
   */
  public static Span spanOf(Observation observation) {
    if (observation == null || observation.isNoop()) {
      return Span.NOOP;
    }
    TracingObservationHandler.TracingContext tracing =
        observation.getContextView().get(TracingObservationHandler.TracingContext.class);
    Span span = tracing == null ? null : tracing.getSpan();
    return span == null ? Span.NOOP : span;
  }

  /**
   * Starts a span under {@code parent} ({@code kind} null for internal work) (e.g. a producer span
   * under the HTTP request's span); {@link Span#NOOP} when the parent is not sampled, so that
   * untraced work costs nothing.
   */
  public Span startChild(String name, Span.Kind kind, Span parent) {
    if (!sampled(parent)) {
      return Span.NOOP;
    }
    return kind(tracer.spanBuilder().setParent(parent.context()).name(name), kind).start();
  }

  /**
   * Starts a span under the context the record's headers carry; {@link Span#NOOP} when they carry
   * none (tracing off at the producer, or a record from before tracing).
   */
  public Span startChild(String name, Span.Kind kind, Headers headers) {
    if (!carriesTrace(headers)) {
      return Span.NOOP;
    }
    return kind(propagator.extract(headers, GETTER).name(name), kind).start();
  }

  /**
   * Starts one span for a batch of records: the child of the first traced record (so that a
   * request's trace shows where its records were stored), linking the traces of up to {@link
   * #MAX_LINKS} others (W3C {@code traceparent} only); {@link Span#NOOP} when no record is traced.
   */
  public Span startBatch(String name, Span.Kind kind, List<Headers> traced) {
    if (traced.isEmpty()) {
      return Span.NOOP;
    }
    Span.Builder builder = kind(propagator.extract(traced.get(0), GETTER).name(name), kind);
    List<String> linked = new ArrayList<>();
    for (int i = 1; i < traced.size() && linked.size() < MAX_LINKS; i++) {
      TraceContext context = traceparentOf(traced.get(i));
      if (context != null && !linked.contains(context.spanId())) {
        linked.add(context.spanId());
        builder.addLink(new Link(context));
      }
    }
    return builder.tag("vitalflow.records", traced.size()).start();
  }

  /** Micrometer has no kind for internal work: null leaves the tracer's default (internal). */
  private static Span.Builder kind(Span.Builder builder, Span.Kind kind) {
    return kind == null ? builder : builder.kind(kind);
  }

  /** Whether the headers carry a trace context this service's propagator reads. */
  public boolean carriesTrace(Headers headers) {
    if (headers == null) {
      return false;
    }
    for (String field : fields) {
      if (headers.lastHeader(field) != null) {
        return true;
      }
    }
    return false;
  }

  /**
   * The headers that carry {@code span}'s context to the consumers of a record; empty when the span
   * is not sampled. Immutable, so one list can serve every record of a batch.
   */
  public List<Header> headersOf(Span span) {
    if (!sampled(span)) {
      return List.of();
    }
    List<Header> headers = new ArrayList<>(2);
    propagator.inject(
        span.context(),
        headers,
        (carrier, key, value) ->
            carrier.add(new RecordHeader(key, value.getBytes(StandardCharsets.UTF_8))));
    return List.copyOf(headers);
  }

  /**
   * New headers that carry only {@code span}'s context (none when it is not sampled): for the
   * records a processor forwards, so that the next consumer continues under the processor's span.
   */
  public Headers recordHeaders(Span span) {
    List<Header> trace = headersOf(span);
    return trace.isEmpty() ? new RecordHeaders() : new RecordHeaders(trace);
  }

  /**
   * The W3C trace context in the headers, or null when there is none or it is malformed; for links,
   * which need a context without starting a span.
   */
  TraceContext traceparentOf(Headers headers) {
    Header header = headers.lastHeader(TRACEPARENT);
    if (header == null || header.value() == null || header.value().length != 55) {
      return null;
    }
    String value = new String(header.value(), StandardCharsets.US_ASCII);
    String[] parts = value.split("-", -1);
    if (parts.length != 4
        || parts[1].length() != 32
        || parts[2].length() != 16
        || parts[3].length() != 2) {
      return null;
    }
    int flags;
    try {
      flags = Integer.parseInt(parts[3], 16);
    } catch (NumberFormatException e) {
      return null;
    }
    return tracer
        .traceContextBuilder()
        .traceId(parts[1])
        .spanId(parts[2])
        .sampled((flags & 1) == 1)
        .build();
  }
}
