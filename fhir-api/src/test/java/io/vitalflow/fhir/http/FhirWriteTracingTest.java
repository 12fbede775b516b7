package io.vitalflow.fhir.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Tracing on (sampling 1.0), against the real broker and PostgreSQL: a FHIR create is one trace
 * from the HTTP request through its command and the command processor to the projection's write;
 * with the defaults, nothing is exported.
 */
class FhirWriteTracingTest {

  private static FhirServer traced;
  private static FhirServer untraced;

  @BeforeAll
  static void start() throws Exception {
    traced =
        FhirServer.start(
            "fhir_tracing",
            CapturedSpans.SOURCE,
            "--management.tracing.sampling.probability=1.0",
            "--management.opentelemetry.tracing.export.schedule-delay=50ms");
    untraced =
        FhirServer.start(
            "fhir_tracing_off",
            CapturedSpans.SOURCE,
            "--management.opentelemetry.tracing.export.schedule-delay=50ms");
  }

  @AfterAll
  static void stop() {
    traced.close();
    untraced.close();
  }

  @Test
  void aCreateIsOneTraceFromTheRequestToTheProjection() {
    HttpResponse<String> created =
        new FhirHttp(traced.base)
            .send(
                "POST",
                "/Patient",
                "{\"resourceType\":\"Patient\",\"name\":[{\"family\":\"Traced\"}]}");
    assertThat(created.statusCode()).isEqualTo(201);
    InMemorySpanExporter spans = traced.app.getBean(InMemorySpanExporter.class);

    SpanData publish =
        CapturedSpans.await(spans, span -> span.getName().equals("fhir command publish"));
    assertThat(publish).as("the command's producer span").isNotNull();
    String trace = publish.getTraceId();
    SpanData server =
        CapturedSpans.await(
            spans, span -> span.getKind() == SpanKind.SERVER && span.getTraceId().equals(trace));
    SpanData decide =
        CapturedSpans.await(spans, span -> span.getName().equals("fhir command decide"));
    SpanData projection =
        CapturedSpans.await(
            spans,
            span ->
                span.getName().equals("fhir projection write") && span.getTraceId().equals(trace));

    assertThat(server).as("the POST's server span").isNotNull();
    assertThat(publish.getParentSpanId()).isEqualTo(server.getSpanId());
    assertThat(decide).as("the command processor's span").isNotNull();
    assertThat(decide.getTraceId()).isEqualTo(trace);
    assertThat(decide.getParentSpanId()).isEqualTo(publish.getSpanId());
    assertThat(projection).as("the projection's write, in the request's trace").isNotNull();
    assertThat(projection.getParentSpanId()).isEqualTo(decide.getSpanId());
  }

  @Test
  void withTheDefaultsNothingIsExported() throws InterruptedException {
    HttpResponse<String> created =
        new FhirHttp(untraced.base)
            .send(
                "POST",
                "/Patient",
                "{\"resourceType\":\"Patient\",\"name\":[{\"family\":\"Untraced\"}]}");
    assertThat(created.statusCode()).isEqualTo(201);
    Thread.sleep(300); // several export intervals
    assertThat(untraced.app.getBean(InMemorySpanExporter.class).getFinishedSpanItems()).isEmpty();
  }
}
