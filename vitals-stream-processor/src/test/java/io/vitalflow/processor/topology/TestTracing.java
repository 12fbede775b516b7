package io.vitalflow.processor.topology;

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
import io.vitalflow.kafka.RecordTracing;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;

/**
 * Micrometer Tracing over the real OpenTelemetry SDK, sampling everything, exporting at once into
 * memory: what a service has with {@code management.tracing.sampling.probability=1.0}.
 */
public final class TestTracing implements AutoCloseable {

  public final InMemorySpanExporter exporter = InMemorySpanExporter.create();
  private final SdkTracerProvider provider =
      SdkTracerProvider.builder()
          .setSampler(Sampler.alwaysOn())
          .addSpanProcessor(SimpleSpanProcessor.create(exporter))
          .build();
  public final RecordTracing tracing;

  public TestTracing() {
    io.opentelemetry.api.trace.Tracer otel = provider.get("test");
    tracing =
        RecordTracing.of(
            new OtelTracer(otel, new OtelCurrentTraceContext(), event -> {}),
            new OtelPropagator(
                ContextPropagators.create(W3CTraceContextPropagator.getInstance()), otel));
  }

  /** A finished root span ("upstream", standing for the gateway's) and record headers with it. */
  public Headers upstream() {
    Span span = tracing.tracer().nextSpan().name("upstream").start();
    span.end();
    return new RecordHeaders(tracing.headersOf(span));
  }

  public List<SpanData> spans() {
    return exporter.getFinishedSpanItems();
  }

  public SpanData span(String name) {
    return spans().stream()
        .filter(span -> span.getName().equals(name))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no span " + name + " in " + spans()));
  }

  /** The {@code traceparent} a record carries, or null. */
  public static String traceparent(Headers headers) {
    Header header = headers.lastHeader(RecordTracing.TRACEPARENT);
    return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
  }

  @Override
  public void close() {
    provider.close();
  }
}
