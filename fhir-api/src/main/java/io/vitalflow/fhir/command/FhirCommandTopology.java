package io.vitalflow.fhir.command;

import io.vitalflow.kafka.RecordTracing;
import io.vitalflow.schemas.FhirResourceVersion;
import io.vitalflow.schemas.Topics;
import io.vitalflow.schemas.VitalSign;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.state.Stores;

/**
 * Decides FHIR write commands, one resource at a time: {@code fhir.commands.v1} (keyed {@code
 * Type/id}, so one partition orders every command of a resource) in; new versions on {@code
 * fhir.resources.v1}, outcomes of commands that wrote nothing on {@code fhir.outcomes.v1}, readings
 * of vital-sign Observations on {@code vitals.raw.v1}, undecodable commands on {@code
 * fhir.commands.dlq.v1}. Run exactly-once: a version, its state-store update and the command's
 * offset commit together.
 */
public final class FhirCommandTopology {

  static final String STATE_STORE = "fhir-resource-state";
  static final String VERSIONS = "versions";
  static final String OUTCOMES = "outcomes";
  static final String VITALS = "vitals";
  static final String DEAD_LETTERS = "dead-letters";

  /**
   * @param topicPrefix prefix of every topic name (empty in production, fresh per test)
   * @param vitalsOf the readings a new resource version feeds into {@code vitals.raw.v1}
   *     (vital-sign Observations); empty for everything else
   */
  public record Options(
      String topicPrefix, Function<FhirResourceVersion, List<VitalSign>> vitalsOf) {

    public Options {
      Objects.requireNonNull(topicPrefix, "topicPrefix");
      Objects.requireNonNull(vitalsOf, "vitalsOf");
    }
  }

  private final Options options;
  private final RecordTracing tracing;

  public FhirCommandTopology(Options options) {
    this(options, RecordTracing.OFF);
  }

  /**
   * @param tracing a span per traced command (child of the context its headers carry), whose
   *     context the new version, outcome and readings carry on to the projection
   */
  public FhirCommandTopology(Options options, RecordTracing tracing) {
    this.options = options;
    this.tracing = Objects.requireNonNull(tracing, "tracing");
  }

  public Topology build() {
    String prefix = options.topicPrefix();
    Topology topology = new Topology();
    topology.addSource(
        "commands",
        Serdes.String().deserializer(),
        Serdes.ByteArray().deserializer(),
        prefix + Topics.FHIR_COMMANDS.name());
    topology.addProcessor(
        "decide", () -> new CommandProcessor(options.vitalsOf(), tracing), "commands");
    topology.addStateStore(
        Stores.keyValueStoreBuilder(
            Stores.persistentKeyValueStore(STATE_STORE), Serdes.String(), ResourceState.SERDE),
        "decide");
    topology.addSink(
        VERSIONS,
        prefix + Topics.FHIR_RESOURCES.name(),
        Topics.FHIR_RESOURCES.keySerde().serializer(),
        Topics.FHIR_RESOURCES.valueSerde().serializer(),
        "decide");
    topology.addSink(
        OUTCOMES,
        prefix + Topics.FHIR_OUTCOMES.name(),
        Topics.FHIR_OUTCOMES.keySerde().serializer(),
        Topics.FHIR_OUTCOMES.valueSerde().serializer(),
        "decide");
    topology.addSink(
        VITALS,
        prefix + Topics.VITALS_RAW.name(),
        Topics.VITALS_RAW.keySerde().serializer(),
        Topics.VITALS_RAW.valueSerde().serializer(),
        "decide");
    topology.addSink(
        DEAD_LETTERS,
        prefix + Topics.FHIR_COMMANDS_DLQ.name(),
        Serdes.String().serializer(),
        Serdes.ByteArray().serializer(),
        "decide");
    return topology;
  }
}
