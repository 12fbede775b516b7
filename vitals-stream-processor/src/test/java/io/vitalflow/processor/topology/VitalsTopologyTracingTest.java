package io.vitalflow.processor.topology;

import static io.vitalflow.processor.topology.Readings.reading;
import static org.assertj.core.api.Assertions.assertThat;

import io.opentelemetry.sdk.trace.data.SpanData;
import io.vitalflow.schemas.Topics;
import io.vitalflow.schemas.VitalSign;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Kafka Streams carries no trace context of its own: the window and NEWS2 steps start their spans
 * from the reading's headers and put their own context on the records they emit.
 */
class VitalsTopologyTracingTest {

  private static final Instant T0 = Instant.parse("2030-01-01T00:00:10Z");

  private final TestTracing traces = new TestTracing();
  private final TopologyFixture fixture =
      new TopologyFixture(VitalsTopology.Options.defaults(), traces.tracing);

  @AfterEach
  void close() {
    fixture.close();
    traces.close();
  }

  @Test
  void theWindowAndNews2StepsContinueTheReadingsTrace() {
    Headers upstream = traces.upstream();
    pipe(reading("p-1", "8867-4", 140, T0), upstream);

    SpanData origin = traces.span("upstream");
    SpanData minute = traces.span("vitals aggregate 1m");
    SpanData hour = traces.span("vitals aggregate 1h");
    SpanData news2 = traces.span("news2 score");
    for (SpanData step : new SpanData[] {minute, hour, news2}) {
      assertThat(step.getTraceId()).isEqualTo(origin.getTraceId());
      assertThat(step.getParentSpanId()).isEqualTo(origin.getSpanId());
    }
    assertThat(carried(fixture.aggregates1m().readRecord())).isEqualTo(minute);
    assertThat(carried(fixture.aggregates1h().readRecord())).isEqualTo(hour);
    assertThat(carried(fixture.news2().readRecord())).isEqualTo(news2);
    assertThat(carried(fixture.alerts().readRecord())).isEqualTo(news2);
  }

  @Test
  void anUntracedReadingStartsNoSpanAndItsOutputsCarryNoHeaders() {
    pipe(reading("p-2", "8867-4", 140, T0), new RecordHeaders());

    assertThat(fixture.aggregates1m().readRecord().headers().toArray()).isEmpty();
    assertThat(fixture.news2().readRecord().headers().toArray()).isEmpty();
    assertThat(traces.spans()).isEmpty();
  }

  private void pipe(VitalSign reading, Headers headers) {
    fixture.pipeRaw(
        reading.getPatientId().getBytes(StandardCharsets.UTF_8),
        Topics.VITALS_RAW.valueSerde().serializer().serialize("", reading),
        headers,
        reading.getReceivedTime());
  }

  /** The span whose context the record carries. */
  private SpanData carried(TestRecord<String, ?> record) {
    String traceparent = TestTracing.traceparent(record.headers());
    assertThat(traceparent).as("traceparent of " + record.key()).isNotNull();
    return traces.spans().stream()
        .filter(
            span -> traceparent.equals("00-" + span.getTraceId() + "-" + span.getSpanId() + "-01"))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no span for " + traceparent));
  }
}
