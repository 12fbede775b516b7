package io.vitalflow.fhir.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.net.http.HttpResponse;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Tracing on (sampling 1.0), against the real broker and PostgreSQL: a FHIR create is one trace
 * from the HTTP request through its command and the command processor to the projection's write; a
 * transaction Bundle's commands share one producer span under the request, each decision its child;
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
        CapturedSpans.await(
            spans,
            span ->
                span.getName().equals("fhir command decide") && span.getTraceId().equals(trace));
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
  void aTransactionBundleIsOneTraceFromTheRequestThroughEachCommandToTheProjection() {
    HttpResponse<String> answered =
        new FhirHttp(traced.base)
            .send(
                "POST",
                "",
                """
                {"resourceType":"Bundle","type":"transaction","entry":[
                  {"resource":{"resourceType":"Patient","name":[{"family":"TracedTxOne"}]},
                   "request":{"method":"POST","url":"Patient"}},
                  {"resource":{"resourceType":"Patient","name":[{"family":"TracedTxTwo"}]},
                   "request":{"method":"POST","url":"Patient"}}]}""");
    assertThat(answered.statusCode()).as(answered.body()).isEqualTo(200);
    InMemorySpanExporter spans = traced.app.getBean(InMemorySpanExporter.class);
    try {
      SpanData publish =
          CapturedSpans.await(
              spans,
              span ->
                  span.getName().equals("fhir command publish")
                      && Long.valueOf(2)
                          .equals(
                              span.getAttributes().get(AttributeKey.longKey("vitalflow.records"))));
      assertThat(publish).as("one producer span for the transaction's two commands").isNotNull();
      String trace = publish.getTraceId();
      SpanData server =
          CapturedSpans.await(
              spans, span -> span.getKind() == SpanKind.SERVER && span.getTraceId().equals(trace));
      assertThat(server).as("the POST /fhir server span").isNotNull();
      assertThat(publish.getParentSpanId()).isEqualTo(server.getSpanId());
      Predicate<SpanData> decision =
          span ->
              span.getName().equals("fhir command decide")
                  && span.getParentSpanId().equals(publish.getSpanId());
      CapturedSpans.await(
          spans, span -> spans.getFinishedSpanItems().stream().filter(decision).count() == 2);
      assertThat(spans.getFinishedSpanItems().stream().filter(decision))
          .as("each command's decision, under the transaction's producer span")
          .hasSize(2)
          .allMatch(span -> span.getTraceId().equals(trace));
      SpanData projection =
          CapturedSpans.await(
              spans,
              span ->
                  span.getName().equals("fhir projection write")
                      && span.getTraceId().equals(trace));
      assertThat(projection).as("the projection's write, in the request's trace").isNotNull();
    } finally {
      spans.reset(); // the other tests look for the first spans of their own requests
    }
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
