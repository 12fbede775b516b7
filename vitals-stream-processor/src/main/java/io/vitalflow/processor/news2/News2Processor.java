package io.vitalflow.processor.news2;

import io.micrometer.tracing.Span;
import io.micrometer.tracing.Tracer;
import io.vitalflow.kafka.RecordTracing;
import io.vitalflow.schemas.News2Score;
import io.vitalflow.schemas.RiskBand;
import io.vitalflow.schemas.VitalSign;
import java.time.Duration;
import java.time.Instant;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Keeps each patient's latest reading per NEWS2 parameter and recomputes the score on every reading
 * that changes one. A reading older than the parameter's latest is ignored. Only parameters
 * measured within {@code maxAge} of the patient's most recent reading count (event time, so a
 * replay computes the same scores); older ones are forgotten. Emits an update when the result
 * (score, band, sub-scores or completeness) differs from the one emitted before.
 *
 * <p>A reading dated after its receipt by the gateway ({@code effectiveTime > receivedTime}, a
 * drifting device clock or a hostile client) counts as taken when it was received. Otherwise it
 * would stay the parameter's latest until its time came and every real reading before then would be
 * ignored as older: one reading dated ahead would hide a deterioration. Both times are in the
 * record, so a replay scores the same.
 */
final class News2Processor implements Processor<String, VitalSign, String, News2Update> {

  private final String storeName;
  private final long maxAgeMs;
  private final RecordTracing tracing;
  private ProcessorContext<String, News2Update> context;
  private KeyValueStore<String, News2State> store;

  News2Processor(String storeName, Duration maxAge, RecordTracing tracing) {
    this.storeName = storeName;
    this.maxAgeMs = maxAge.toMillis();
    this.tracing = tracing;
  }

  @Override
  public void init(ProcessorContext<String, News2Update> context) {
    this.context = context;
    this.store = context.getStateStore(storeName);
  }

  @Override
  public void process(Record<String, VitalSign> record) {
    Parameter parameter = Parameter.of(record.value().getCode());
    if (parameter == null) {
      return;
    }
    Span span = tracing.startChild("news2 score", null, record.headers());
    Tracer.SpanInScope scope = tracing.inScope(span);
    try {
      score(record.value(), parameter, span);
    } finally {
      scope.close();
      span.end();
    }
  }

  private void score(VitalSign vital, Parameter parameter, Span span) {
    String patientId = vital.getPatientId();
    News2State state = store.get(patientId);
    if (state == null) {
      state = News2State.EMPTY;
    }
    long taken =
        Math.min(vital.getEffectiveTime().toEpochMilli(), vital.getReceivedTime().toEpochMilli());
    News2State.Reading reading = new News2State.Reading(vital.getValue(), taken);
    if (!reading.supersedes(state.latest().get(parameter))) {
      return;
    }
    News2State updated = state.with(parameter, reading);
    long asOf = updated.latestTime();
    updated = updated.withoutOlderThan(asOf - maxAgeMs);
    News2.Result result = News2.score(updated.observations());
    if (result.equals(state.emitted())) {
      store.put(patientId, updated);
      return;
    }
    store.put(patientId, updated.withEmitted(result));
    News2Score score =
        News2Score.newBuilder()
            .setPatientId(patientId)
            .setScore(result.score())
            .setBand(result.band())
            .setComponents(result.components())
            .setComplete(result.complete())
            .setComputedAt(Instant.ofEpochMilli(asOf))
            .build();
    RiskBand previous = state.emitted() == null ? null : state.emitted().band();
    span.event("score changed");
    context.forward(
        new Record<>(
            patientId, new News2Update(score, previous), asOf, tracing.recordHeaders(span)));
  }
}
