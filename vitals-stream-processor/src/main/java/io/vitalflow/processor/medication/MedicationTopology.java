package io.vitalflow.processor.medication;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vitalflow.interactions.InteractionChecker;
import io.vitalflow.interactions.reference.KnowledgeBase;
import io.vitalflow.schemas.Alert;
import io.vitalflow.schemas.FhirCommand;
import io.vitalflow.schemas.Topic;
import io.vitalflow.schemas.Topics;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;
import java.util.function.LongFunction;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Branched;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.kstream.Repartitioned;
import org.apache.kafka.streams.state.KeyValueBytesStoreSupplier;
import org.apache.kafka.streams.state.Stores;

/**
 * Drug-interaction checks on the FHIR write stream. See "Medication events" in {@code
 * docs/stream-processing.md}.
 *
 * <pre>
 * fhir.resources.v1 (key Type/id, value bytes)
 *   process "medication-orders" [medication-order-patient-store]: decode, MedicationRequest only
 *     ├─ unusable ────────────────────────────────────────────▶ fhir.resources.medication.dlq.v1
 *     └─ OrderChange keyed by patient
 *          repartition "medication-by-patient"
 *          process "medication-check" [medication-patient-store]: list, check, issues reported and retired
 *            ├─ DetectedIssue create / retiring update (key DetectedIssue/id) ─▶ fhir.commands.v1
 *            ├─ Alert DRUG_INTERACTION, MEDICATION_NOT_CHECKED, ALERT_RESOLVED (key patient id) ─▶ alerts.v1
 *            └─ check failed ─────────────────────────────────────────────▶ fhir.resources.medication.dlq.v1
 * </pre>
 */
public final class MedicationTopology {

  /** Commit often: a DetectedIssue and its alert are visible only after the transaction commits. */
  public static final Duration COMMIT_INTERVAL = Duration.ofMillis(200);

  /**
   * Record cache of the patient store: at 200 ms commits it turns several changes of one patient
   * into one store write and changelog record (at 44,000 events/s for 10,000 patients, 1.0M
   * changelog records became 0.17M).
   */
  public static final long CACHE_MAX_BYTES = 16L << 20;

  /**
   * Key-value store {@code MedicationRequest id -> patient id} of the orders on a patient's list.
   */
  public static final String STORE_ORDER_PATIENT = "medication-order-patient-store";

  /** Key-value store {@code patient id -> (active orders, reported interaction pairs)}. */
  public static final String STORE_PATIENT_MEDICATIONS = "medication-patient-store";

  /**
   * @param topicPrefix prepended to every topic name; empty in production
   * @param checker the interaction checker, shared by all stream tasks: it must be thread-safe, as
   *     {@link InteractionChecker} promises ({@code WasmInteractionChecker} lends every call its
   *     own pooled plugin instance)
   * @param ingredientNames names of ingredient RxCUIs for alert titles and implicated displays;
   *     {@code null} when unknown (the order's own medication name is used then)
   * @param meters where the counters go ({@code vitalflow.medication.*}, see {@code
   *     docs/stream-processing.md})
   */
  public record Options(
      String topicPrefix,
      InteractionChecker checker,
      LongFunction<String> ingredientNames,
      MeterRegistry meters) {

    public Options {
      Objects.requireNonNull(topicPrefix, "topicPrefix");
      Objects.requireNonNull(checker, "checker");
      Objects.requireNonNull(ingredientNames, "ingredientNames");
      Objects.requireNonNull(meters, "meters");
    }

    /** Counters in a registry of their own (tests, benchmarks). */
    public Options(
        String topicPrefix, InteractionChecker checker, LongFunction<String> ingredientNames) {
      this(topicPrefix, checker, ingredientNames, new SimpleMeterRegistry());
    }

    /** No prefix, ingredient names from the knowledge base packaged with the checker. */
    public static Options of(InteractionChecker checker) {
      Map<Long, KnowledgeBase.Ingredient> ingredients = KnowledgeBase.load().ingredients();
      return new Options(
          "",
          checker,
          rxcui -> {
            KnowledgeBase.Ingredient ingredient = ingredients.get(rxcui);
            return ingredient == null ? null : ingredient.name();
          });
    }

    public Options withTopicPrefix(String prefix) {
      return new Options(prefix, checker, ingredientNames, meters);
    }

    public Options withMeters(MeterRegistry registry) {
      return new Options(topicPrefix, checker, ingredientNames, registry);
    }

    public String topic(Topic<?, ?> topic) {
      return topicPrefix + topic.name();
    }
  }

  private final Options options;

  public MedicationTopology(Options options) {
    this.options = Objects.requireNonNull(options, "options");
  }

  /**
   * Where the two stores live; either way each is backed by a changelog topic, which is their
   * durable copy. In memory is the default: the state is small (the active orders of the patients
   * that have any, and the pairs already reported) and is restored from the changelogs at start,
   * and the stream runs about 15 % faster than with RocksDB (51,031 against 44,317 events/s, {@code
   * docs/benchmarks.md}). RocksDB keeps it on local disk and restarts without a restore when its
   * state directory survives.
   */
  public enum StateStores {
    IN_MEMORY(Stores::inMemoryKeyValueStore),
    ROCKSDB(Stores::persistentKeyValueStore);

    private final Function<String, KeyValueBytesStoreSupplier> supplier;

    StateStores(Function<String, KeyValueBytesStoreSupplier> supplier) {
      this.supplier = supplier;
    }
  }

  /** The topology with in-memory stores. */
  public Topology build() {
    return build(StateStores.IN_MEMORY);
  }

  public Topology build(StateStores stores) {
    return build(stores.supplier);
  }

  private Topology build(Function<String, KeyValueBytesStoreSupplier> stores) {
    StreamsBuilder builder = new StreamsBuilder();
    // not cached: its keys are order ids, each written about once per order, so a cache (a sorted
    // map) would only
    // add lookups; the patient store is cached, so several changes of one patient between two
    // commits become one
    // store write and one changelog record
    builder.addStateStore(
        Stores.keyValueStoreBuilder(
            stores.apply(STORE_ORDER_PATIENT), Serdes.String(), Serdes.String()));
    builder.addStateStore(
        Stores.keyValueStoreBuilder(
                stores.apply(STORE_PATIENT_MEDICATIONS), Serdes.String(), PatientMedications.SERDE)
            .withCachingEnabled());
    OrderReader reader = new OrderReader();
    InteractionReport reports = new InteractionReport(options.ingredientNames());
    MedicationMetrics metrics = new MedicationMetrics(options.meters());

    KStream<String, Object> routed =
        builder.stream(
                options.topic(Topics.FHIR_RESOURCES),
                Consumed.with(Serdes.String(), Serdes.ByteArray()).withName("fhir-resources"))
            .process(
                () -> new OrderRouter(reader), Named.as("medication-orders"), STORE_ORDER_PATIENT);
    Map<String, KStream<String, Object>> orders =
        routed
            .split(Named.as("medication-orders-"))
            .branch((key, value) -> value instanceof Rejected, Branched.as("unusable"))
            .defaultBranch(Branched.as("changes"));
    deadLetters(orders.get("medication-orders-unusable"), "medication-orders-dlq");

    KStream<String, Object> checked =
        orders
            .get("medication-orders-changes")
            .mapValues(value -> (OrderChange) value, Named.as("medication-order-changes"))
            .repartition(
                Repartitioned.with(Serdes.String(), OrderChange.SERDE)
                    .withName("medication-by-patient"))
            .process(
                () -> new InteractionCheck(options.checker(), reports, metrics),
                Named.as("medication-check"),
                STORE_PATIENT_MEDICATIONS);
    Map<String, KStream<String, Object>> outputs =
        checked
            .split(Named.as("medication-check-"))
            .branch((key, value) -> value instanceof FhirCommand, Branched.as("issues"))
            .branch((key, value) -> value instanceof Alert, Branched.as("alerts"))
            .defaultBranch(Branched.as("failed"));
    outputs
        .get("medication-check-issues")
        .mapValues(value -> (FhirCommand) value, Named.as("medication-detected-issues"))
        .to(
            options.topic(Topics.FHIR_COMMANDS),
            Produced.with(Topics.FHIR_COMMANDS.keySerde(), Topics.FHIR_COMMANDS.valueSerde())
                .withName("medication-detected-issues-sink"));
    outputs
        .get("medication-check-alerts")
        .mapValues(value -> (Alert) value, Named.as("medication-alerts"))
        .to(
            options.topic(Topics.ALERTS),
            Produced.with(Topics.ALERTS.keySerde(), Topics.ALERTS.valueSerde())
                .withName("medication-alerts-sink"));
    deadLetters(outputs.get("medication-check-failed"), "medication-check-dlq");
    return builder.build();
  }

  private void deadLetters(KStream<String, Object> rejected, String name) {
    rejected
        .mapValues(value -> ((Rejected) value).raw(), Named.as(name))
        .to(
            options.topic(Topics.MEDICATION_EVENTS_DLQ),
            Produced.with(
                    Topics.MEDICATION_EVENTS_DLQ.keySerde(),
                    Topics.MEDICATION_EVENTS_DLQ.valueSerde())
                .withName(name + "-sink"));
  }
}
