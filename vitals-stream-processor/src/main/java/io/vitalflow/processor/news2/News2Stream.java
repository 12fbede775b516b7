package io.vitalflow.processor.news2;

import io.vitalflow.kafka.RecordTracing;
import io.vitalflow.schemas.Alert;
import io.vitalflow.schemas.News2Score;
import io.vitalflow.schemas.VitalSign;
import java.time.Duration;
import java.util.Map;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;

/**
 * The NEWS2 part of the vitals topology: readings keyed by patient in, changed scores and
 * band-change alerts out. The caller decides where the outputs go.
 */
public final class News2Stream {

  /**
   * Per-patient state: latest reading per parameter and the last emitted result (RocksDB,
   * changelogged).
   */
  public static final String STORE = "news2-state-store";

  /** The two outputs, both keyed by patient id. */
  public record Outputs(KStream<String, News2Score> scores, KStream<String, Alert> alerts) {}

  private News2Stream() {}

  /**
   * Adds the NEWS2 stage to {@code builder}.
   *
   * @param readings valid readings keyed by patient id, on the patient's partition, timestamped by
   *     effective time
   * @param maxAge how old a parameter may be, relative to the patient's latest reading, and still
   *     count
   */
  public static Outputs attach(
      StreamsBuilder builder, KStream<String, VitalSign> readings, Duration maxAge) {
    return attach(builder, readings, maxAge, RecordTracing.OFF);
  }

  /**
   * As {@link #attach(StreamsBuilder, KStream, Duration)}, with a span per traced reading whose
   * context the changed score and its alert carry on.
   */
  public static Outputs attach(
      StreamsBuilder builder,
      KStream<String, VitalSign> readings,
      Duration maxAge,
      RecordTracing tracing) {
    builder.addStateStore(storeBuilder());
    KStream<String, News2Update> updates =
        readings.process(
            () -> new News2Processor(STORE, maxAge, tracing), Named.as("news2-score"), STORE);
    KStream<String, News2Score> scores =
        updates.mapValues(News2Update::score, Named.as("news2-scores"));
    KStream<String, Alert> alerts =
        updates
            .filter((patient, update) -> update.raisesAlert(), Named.as("news2-band-changed"))
            .mapValues(BandChangeAlerts::of, Named.as("news2-band-change-alert"));
    return new Outputs(scores, alerts);
  }

  static StoreBuilder<KeyValueStore<String, News2State>> storeBuilder() {
    return Stores.keyValueStoreBuilder(
            Stores.persistentKeyValueStore(STORE), Serdes.String(), News2State.serde())
        .withCachingEnabled()
        .withLoggingEnabled(Map.of());
  }
}
