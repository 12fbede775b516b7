package io.vitalflow.processor.topology;

import io.vitalflow.kafka.RecordTracing;
import io.vitalflow.processor.news2.News2Stream;
import io.vitalflow.schemas.Topic;
import io.vitalflow.schemas.Topics;
import io.vitalflow.schemas.VitalSign;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Branched;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;

/**
 * The vitals topology: raw readings in; 1-minute and 1-hour aggregates, NEWS2 scores, band-change
 * alerts and dead letters out. See {@code docs/stream-processing.md} for the picture.
 *
 * <pre>
 * vitals.raw.v1 (bytes, decoded here, event time = effectiveTime)
 *   ├─ unusable ─────────────▶ vitals.raw.dlq.v1 (original key/value bytes + error headers)
 *   └─ readings keyed by patient
 *        ├─ 1 min tumbling ───▶ vitals.agg.1m.v1
 *        ├─ 1 h tumbling ─────▶ vitals.agg.1h.v1
 *        └─ NEWS2 ────────────▶ vitals.news2.v1, alerts.v1
 * </pre>
 *
 * Configuration of the Streams runtime is separate: {@link io.vitalflow.kafka.StreamsSettings}.
 */
public final class VitalsTopology {

  /** Window store of the 1-minute aggregates, keyed {@code patientId|code}. */
  public static final String STORE_AGG_1M = "vitals-agg-1m-store";

  /** Window store of the 1-hour aggregates, keyed {@code patientId|code}. */
  public static final String STORE_AGG_1H = "vitals-agg-1h-store";

  /** Key-value store of the NEWS2 state per patient. */
  public static final String STORE_NEWS2 = News2Stream.STORE;

  static final Duration ONE_MINUTE = Duration.ofMinutes(1);
  static final Duration ONE_HOUR = Duration.ofHours(1);

  /**
   * @param topicPrefix prepended to every topic name (e.g. a per-test namespace); empty in
   *     production
   * @param grace1m how late a reading may be for its 1-minute window, in stream time
   * @param grace1h how late a reading may be for its 1-hour window, in stream time
   * @param news2MaxAge how old a parameter may be, relative to the patient's latest reading, and
   *     still count towards NEWS2
   * @param maxFutureSkew how far a reading's effectiveTime may lie after its receivedTime before it
   *     is refused (a far-future event time would close every window of its partition)
   */
  public record Options(
      String topicPrefix,
      Duration grace1m,
      Duration grace1h,
      Duration news2MaxAge,
      Duration maxFutureSkew) {

    public Options {
      Objects.requireNonNull(topicPrefix, "topicPrefix");
      requireNotNegative(grace1m, "grace1m");
      requireNotNegative(grace1h, "grace1h");
      requirePositive(news2MaxAge, "news2MaxAge");
      requireNotNegative(maxFutureSkew, "maxFutureSkew");
    }

    /**
     * No prefix, 30 s and 5 min grace, NEWS2 parameters count for 1 h, 5 s clock skew: the defaults
     * of {@code vitalflow.processor.*} ({@code ProcessorProperties}, which the service passes in),
     * for tests and tools.
     */
    public static Options defaults() {
      return new Options(
          "",
          Duration.ofSeconds(30),
          Duration.ofMinutes(5),
          Duration.ofHours(1),
          Duration.ofSeconds(5));
    }

    public Options withTopicPrefix(String prefix) {
      return new Options(prefix, grace1m, grace1h, news2MaxAge, maxFutureSkew);
    }

    public Options withGrace1m(Duration grace) {
      return new Options(topicPrefix, grace, grace1h, news2MaxAge, maxFutureSkew);
    }

    public Options withGrace1h(Duration grace) {
      return new Options(topicPrefix, grace1m, grace, news2MaxAge, maxFutureSkew);
    }

    public Options withNews2MaxAge(Duration maxAge) {
      return new Options(topicPrefix, grace1m, grace1h, maxAge, maxFutureSkew);
    }

    public Options withMaxFutureSkew(Duration skew) {
      return new Options(topicPrefix, grace1m, grace1h, news2MaxAge, skew);
    }

    /** The name of a catalogue topic under this prefix. */
    public String topic(Topic<?, ?> topic) {
      return topicPrefix + topic.name();
    }

    private static void requireNotNegative(Duration d, String name) {
      if (Objects.requireNonNull(d, name).isNegative()) {
        throw new IllegalArgumentException(name + " must not be negative: " + d);
      }
    }

    private static void requirePositive(Duration d, String name) {
      requireNotNegative(d, name);
      if (d.isZero()) {
        throw new IllegalArgumentException(name + " must be positive");
      }
    }
  }

  private final Options options;
  private final RecordTracing tracing;

  public VitalsTopology(Options options) {
    this(options, RecordTracing.OFF);
  }

  /**
   * @param tracing continues the trace a reading's headers carry in a span per window update and
   *     per NEWS2 step, whose context the outputs carry on (docs/observability.md, "Tracing")
   */
  public VitalsTopology(Options options, RecordTracing tracing) {
    this.options = Objects.requireNonNull(options, "options");
    this.tracing = Objects.requireNonNull(tracing, "tracing");
  }

  public Options options() {
    return options;
  }

  public Topology build() {
    StreamsBuilder builder = new StreamsBuilder();
    VitalDecoder decoder =
        new VitalDecoder(Topics.VITALS_RAW.valueSerde().deserializer(), options.maxFutureSkew());
    KStream<byte[], DecodedVital> raw =
        builder.stream(
            options.topic(Topics.VITALS_RAW),
            Consumed.with(Serdes.ByteArray(), decoder)
                .withTimestampExtractor(new EffectiveTimeExtractor())
                .withName("vitals-raw"));

    Map<String, KStream<byte[], DecodedVital>> branches =
        raw.split(Named.as("raw-"))
            .branch(
                (key, value) -> DeadLetters.problem(key, value) != null, Branched.as("unusable"))
            .defaultBranch(Branched.as("usable"));

    branches
        .get("raw-unusable")
        .processValues(DeadLetters::new, Named.as("dead-letter"))
        .to(
            options.topic(Topics.VITALS_RAW_DLQ),
            Produced.with(Serdes.ByteArray(), Serdes.ByteArray()).withName("vitals-raw-dlq"));

    // The key bytes were checked to be the patient id, so the partitioning is unchanged: no
    // repartition.
    KStream<String, VitalSign> readings =
        branches
            .get("raw-usable")
            .map(
                (key, value) -> KeyValue.pair(value.vital().getPatientId(), value.vital()),
                Named.as("readings"));

    aggregate(
        builder,
        readings,
        new WindowAggregator.Size(STORE_AGG_1M, ONE_MINUTE, options.grace1m()),
        new WindowAggregator.Size(STORE_AGG_1H, ONE_HOUR, options.grace1h()));

    News2Stream.Outputs news2 =
        News2Stream.attach(builder, readings, options.news2MaxAge(), tracing);
    news2.scores().to(options.topic(Topics.NEWS2), produced(Topics.NEWS2, "vitals-news2"));
    news2.alerts().to(options.topic(Topics.ALERTS), produced(Topics.ALERTS, "alerts"));
    return builder.build();
  }

  /**
   * One step for both window sizes, so that the minute's judgement of a repeated reading also holds
   * for the hour (see {@link WindowAggregator}); its updates are routed to their topics by window
   * length.
   */
  private void aggregate(
      StreamsBuilder builder,
      KStream<String, VitalSign> readings,
      WindowAggregator.Size minute,
      WindowAggregator.Size hour) {
    Duration hourGrace = hour.grace();
    builder.addStateStore(
        WindowAggregator.storeBuilder(
            minute,
            minute
                .size()
                .plus(hourGrace.compareTo(minute.grace()) > 0 ? hourGrace : minute.grace())));
    builder.addStateStore(WindowAggregator.storeBuilder(hour, hour.size().plus(hourGrace)));
    readings
        .process(
            () -> new WindowAggregator(minute, hour, tracing),
            Named.as("vitals-agg"),
            minute.store(),
            hour.store())
        .split(Named.as("vitals-agg-"))
        .branch(
            (patient, update) -> WindowAggregator.spans(update, minute.size()),
            Branched.withConsumer(
                updates ->
                    updates.to(
                        options.topic(Topics.VITALS_AGG_1M),
                        produced(Topics.VITALS_AGG_1M, Topics.VITALS_AGG_1M.name())),
                "1m"))
        .defaultBranch(
            Branched.withConsumer(
                updates ->
                    updates.to(
                        options.topic(Topics.VITALS_AGG_1H),
                        produced(Topics.VITALS_AGG_1H, Topics.VITALS_AGG_1H.name())),
                "1h"));
  }

  private static <K, V> Produced<K, V> produced(Topic<K, V> topic, String name) {
    return Produced.with(topic.keySerde(), topic.valueSerde()).withName(name + "-sink");
  }
}
