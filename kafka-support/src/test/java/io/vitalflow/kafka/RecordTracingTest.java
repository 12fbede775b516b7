package io.vitalflow.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.tracing.Span;
import io.micrometer.tracing.otel.bridge.OtelCurrentTraceContext;
import io.micrometer.tracing.otel.bridge.OtelPropagator;
import io.micrometer.tracing.otel.bridge.OtelTracer;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.propagation.ContextPropagators;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import io.opentelemetry.sdk.trace.samplers.Sampler;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Header propagation with the real OpenTelemetry SDK behind Micrometer Tracing. */
class RecordTracingTest {

  private final InMemorySpanExporter exporter = InMemorySpanExporter.create();
  private SdkTracerProvider provider;

  private RecordTracing tracing(Sampler sampler) {
    provider =
        SdkTracerProvider.builder()
            .setSampler(sampler)
            .addSpanProcessor(SimpleSpanProcessor.create(exporter))
            .build();
    io.opentelemetry.api.trace.Tracer otel = provider.get("test");
    OtelTracer tracer = new OtelTracer(otel, new OtelCurrentTraceContext(), event -> {});
    OtelPropagator propagator =
        new OtelPropagator(
            ContextPropagators.create(W3CTraceContextPropagator.getInstance()), otel);
    return RecordTracing.of(tracer, propagator);
  }

  @AfterEach
  void close() {
    if (provider != null) {
      provider.close();
    }
  }

  @Test
  void aConsumerSpanContinuesTheProducersTrace() {
    RecordTracing tracing = tracing(Sampler.alwaysOn());
    Span request = tracing.tracer().nextSpan().name("request").start();
    Span producer = tracing.startChild("publish", Span.Kind.PRODUCER, request);
    Headers headers = headers(tracing, producer);
    producer.end();
    request.end();

    Span consumer = tracing.startChild("consume", Span.Kind.CONSUMER, headers);
    consumer.end();

    SpanData consumed = span("consume");
    assertThat(consumed.getTraceId()).isEqualTo(span("request").getTraceId());
    assertThat(consumed.getParentSpanId()).isEqualTo(span("publish").getSpanId());
    assertThat(new String(headers.lastHeader("traceparent").value(), StandardCharsets.UTF_8))
        .startsWith("00-" + consumed.getTraceId() + "-");
  }

  @Test
  void aBatchSpanIsTheChildOfItsFirstTracedRecordAndLinksTheOthers() {
    RecordTracing tracing = tracing(Sampler.alwaysOn());
    Span first = tracing.tracer().nextSpan().name("first").start();
    Span second = tracing.tracer().nextSpan().name("second").start();
    List<Headers> records =
        List.of(headers(tracing, first), headers(tracing, second), headers(tracing, second));
    first.end();
    second.end();

    tracing.startBatch("batch", Span.Kind.CONSUMER, records).end();

    SpanData batch = span("batch");
    assertThat(batch.getTraceId()).isEqualTo(span("first").getTraceId());
    assertThat(batch.getLinks())
        .singleElement()
        .satisfies(
            link ->
                assertThat(link.getSpanContext().getSpanId())
                    .isEqualTo(span("second").getSpanId()));
  }

  @Test
  void unsampledSpansWriteNoHeaderAndRecordsWithoutOneStartNoSpan() {
    RecordTracing tracing = tracing(Sampler.alwaysOff());
    Span request = tracing.tracer().nextSpan().name("request").start();

    assertThat(tracing.startChild("publish", Span.Kind.PRODUCER, request).isNoop()).isTrue();
    assertThat(tracing.headersOf(request)).isEmpty();
    assertThat(tracing.startChild("consume", Span.Kind.CONSUMER, new RecordHeaders()).isNoop())
        .isTrue();
    assertThat(tracing.startBatch("batch", Span.Kind.CONSUMER, List.of()).isNoop()).isTrue();
    request.end();
    assertThat(exporter.getFinishedSpanItems()).isEmpty();
  }

  @Test
  void forwardedRecordsCarryTheStepsSpanOnly() {
    RecordTracing tracing = tracing(Sampler.alwaysOn());
    Span upstream = tracing.tracer().nextSpan().name("up").start();
    Headers base = headers(tracing, upstream);
    Span step = tracing.startChild("step", null, base);

    Headers forwarded = tracing.recordHeaders(step);

    assertThat(forwarded.toArray()).hasSize(1);
    assertThat(new String(forwarded.lastHeader("traceparent").value(), StandardCharsets.UTF_8))
        .contains(step.context().spanId());
    assertThat(tracing.recordHeaders(Span.NOOP).toArray()).isEmpty();
  }

  @Test
  void malformedTraceparentsAreNoLinks() {
    RecordTracing tracing = tracing(Sampler.alwaysOn());
    Headers bad = new RecordHeaders();
    bad.add("traceparent", "00-zz".getBytes(StandardCharsets.UTF_8));
    assertThat(tracing.traceparentOf(bad)).isNull();
    Headers notHex = new RecordHeaders();
    notHex.add(
        "traceparent",
        ("00-" + "a".repeat(32) + "-" + "b".repeat(16) + "-zz").getBytes(StandardCharsets.UTF_8));
    assertThat(tracing.traceparentOf(notHex)).isNull();
  }

  @Test
  void offIsANoop() {
    assertThat(RecordTracing.OFF.headersOf(Span.NOOP)).isEmpty();
    assertThat(RecordTracing.OFF.startChild("x", Span.Kind.CONSUMER, new RecordHeaders()).isNoop())
        .isTrue();
  }

  private static Headers headers(RecordTracing tracing, Span span) {
    Headers headers = new RecordHeaders();
    tracing.headersOf(span).forEach(headers::add);
    return headers;
  }

  private SpanData span(String name) {
    return exporter.getFinishedSpanItems().stream()
        .filter(span -> span.getName().equals(name))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no span " + name));
  }
}
