package io.vitalflow.schemas;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;

/** The topic catalogue: every topic VitalFlow reads or writes, in one place. */
public final class Topics {

  public static final int DEFAULT_PARTITIONS = 6;

  public static final Topic<String, VitalSign> VITALS_RAW =
      topic("vitals.raw.v1", AvroSerde.of(VitalSign.class), retention(Duration.ofDays(7)));

  /**
   * Header on {@code vitals.raw.v1} records: the OAuth client id (UTF-8) that sent the reading to
   * the ingest gateway with security on; the readings sink stores it as {@code
   * vital_reading.source_client}. Absent on readings from elsewhere (the FHIR API) and with
   * security off.
   */
  public static final String HEADER_CLIENT = "vitalflow.client";

  public static final Topic<String, VitalAggregate> VITALS_AGG_1M =
      topic("vitals.agg.1m.v1", AvroSerde.of(VitalAggregate.class), retention(Duration.ofDays(2)));
  public static final Topic<String, VitalAggregate> VITALS_AGG_1H =
      topic("vitals.agg.1h.v1", AvroSerde.of(VitalAggregate.class), retention(Duration.ofDays(14)));
  public static final Topic<String, News2Score> NEWS2 =
      topic("vitals.news2.v1", AvroSerde.of(News2Score.class), retention(Duration.ofDays(7)));
  public static final Topic<String, Alert> ALERTS =
      topic("alerts.v1", AvroSerde.of(Alert.class), retention(Duration.ofDays(30)));
  public static final Topic<String, FhirCommand> FHIR_COMMANDS =
      topic("fhir.commands.v1", AvroSerde.of(FhirCommand.class), retention(Duration.ofDays(7)));

  /** The system of record for FHIR resources: never deleted by time. */
  public static final Topic<String, FhirResourceVersion> FHIR_RESOURCES =
      topic(
          "fhir.resources.v1",
          AvroSerde.of(FhirResourceVersion.class),
          Map.of(TopicConfig.RETENTION_MS_CONFIG, "-1"));

  /**
   * Outcomes of FHIR commands that wrote no version (rejections, no-ops); the API waits on them.
   */
  public static final Topic<String, FhirCommandOutcome> FHIR_OUTCOMES =
      topic(
          "fhir.outcomes.v1",
          AvroSerde.of(FhirCommandOutcome.class),
          retention(Duration.ofDays(1)));

  /** Dead letters of the raw vitals topic: the original bytes, the error in the headers. */
  public static final Topic<String, byte[]> VITALS_RAW_DLQ =
      new Topic<>(
          VITALS_RAW.deadLetterName(),
          DEFAULT_PARTITIONS,
          retention(Duration.ofDays(30)),
          Serdes.String(),
          Serdes.ByteArray());

  /** Dead letters of the FHIR command topic. */
  public static final Topic<String, byte[]> FHIR_COMMANDS_DLQ =
      new Topic<>(
          FHIR_COMMANDS.deadLetterName(),
          DEFAULT_PARTITIONS,
          retention(Duration.ofDays(30)),
          Serdes.String(),
          Serdes.ByteArray());

  /**
   * Dead letters of the medication-interaction stream: {@code fhir.resources.v1} records (key
   * {@code Type/id}, the original value bytes) that could not be decoded or whose interaction check
   * failed; the error in the headers.
   */
  public static final Topic<String, byte[]> MEDICATION_EVENTS_DLQ =
      new Topic<>(
          "fhir.resources.medication.dlq.v1",
          DEFAULT_PARTITIONS,
          retention(Duration.ofDays(30)),
          Serdes.String(),
          Serdes.ByteArray());

  /**
   * Dead letters of the PostgreSQL sinks: records that, on their own, failed to be stored with a
   * deterministic error (a value the database cannot hold, a constraint). The original key and
   * value bytes; the error, the source (topic-partition@offset) and the sink in the headers. Raw
   * readings the readings sink cannot store go to {@link #VITALS_RAW_DLQ}.
   */
  public static final Topic<String, byte[]> VITALS_AGG_1M_DLQ = deadLetters(VITALS_AGG_1M);

  public static final Topic<String, byte[]> VITALS_AGG_1H_DLQ = deadLetters(VITALS_AGG_1H);
  public static final Topic<String, byte[]> FHIR_RESOURCES_DLQ = deadLetters(FHIR_RESOURCES);
  public static final Topic<String, byte[]> FHIR_OUTCOMES_DLQ = deadLetters(FHIR_OUTCOMES);

  /**
   * The audit trail: one FHIR R4 {@code AuditEvent} (JSON text) per access, keyed by the first
   * patient id, else the agent. Kept 30 days: the sink stores every event in {@code audit_event}
   * within seconds (retention there: 5 years), so the topic only has to outlast an outage of the
   * sink or of the database.
   */
  public static final Topic<String, String> AUDIT =
      new Topic<>(
          "audit.v1",
          DEFAULT_PARTITIONS,
          retention(Duration.ofDays(30)),
          Serdes.String(),
          Serdes.String());

  /**
   * Audit events the audit sink could not store (original bytes, the error in the headers). Kept a
   * year, not 30 days like other dead letters: an audit event set aside here is the only copy of
   * who accessed what.
   */
  public static final Topic<String, byte[]> AUDIT_DLQ =
      new Topic<>(
          AUDIT.deadLetterName(),
          DEFAULT_PARTITIONS,
          retention(Duration.ofDays(365)),
          Serdes.String(),
          Serdes.ByteArray());

  /** Header names on dead-letter records. */
  public static final String DLQ_HEADER_ERROR = "vitalflow.error";

  public static final String DLQ_HEADER_SOURCE = "vitalflow.source";

  /** On sink dead letters: the sink that set the record aside. */
  public static final String DLQ_HEADER_SINK = "vitalflow.sink";

  public static final List<Topic<?, ?>> ALL =
      List.of(
          VITALS_RAW,
          VITALS_AGG_1M,
          VITALS_AGG_1H,
          NEWS2,
          ALERTS,
          FHIR_COMMANDS,
          FHIR_RESOURCES,
          FHIR_OUTCOMES,
          VITALS_RAW_DLQ,
          FHIR_COMMANDS_DLQ,
          MEDICATION_EVENTS_DLQ,
          VITALS_AGG_1M_DLQ,
          VITALS_AGG_1H_DLQ,
          FHIR_RESOURCES_DLQ,
          FHIR_OUTCOMES_DLQ,
          AUDIT,
          AUDIT_DLQ);

  private Topics() {}

  private static <V> Topic<String, V> topic(
      String name, Serde<V> valueSerde, Map<String, String> config) {
    return new Topic<>(name, DEFAULT_PARTITIONS, config, Serdes.String(), valueSerde);
  }

  private static Topic<String, byte[]> deadLetters(Topic<?, ?> source) {
    return new Topic<>(
        source.deadLetterName(),
        DEFAULT_PARTITIONS,
        retention(Duration.ofDays(30)),
        Serdes.String(),
        Serdes.ByteArray());
  }

  private static Map<String, String> retention(Duration retention) {
    return Map.of(
        TopicConfig.RETENTION_MS_CONFIG,
        Long.toString(retention.toMillis()),
        TopicConfig.CLEANUP_POLICY_CONFIG,
        TopicConfig.CLEANUP_POLICY_DELETE);
  }
}
