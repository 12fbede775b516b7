package io.vitalflow.processor;

import io.vitalflow.processor.medication.MedicationTopology;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import java.nio.file.Path;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Settings of the stream processor and its PostgreSQL sink; the defaults work on the local stack
 * and are written once, here. Kafka is configured with Spring Boot's {@code spring.kafka.*} (every
 * client: Streams, sinks, dead letters), the database with {@code spring.datasource.*} (a HikariCP
 * pool; the URL goes to the driver whole).
 *
 * @param topicPrefix prefix of every topic name (empty in production)
 * @param applicationId Kafka Streams application id (also the prefix of its internal topics)
 * @param stateDir where Kafka Streams keeps its RocksDB stores
 * @param streamThreads Kafka Streams threads
 * @param streamsCommitInterval how often Streams commits its transaction (and so emits aggregate
 *     updates)
 * @param streamsCacheBytes Streams record cache: updates of a key within one commit collapse into
 *     one
 * @param replicationFactor of Streams' internal topics
 * @param sinkThreads readings sink consumers, each holding one connection of the pool ({@code
 *     spring.datasource.hikari.maximum-pool-size} must leave room for them and the two aggregate
 *     sinks)
 * @param sinkBatchRecords flush a readings batch at this many records
 * @param sinkLinger flush a readings batch at the latest after this long
 * @param aggregateFlushInterval how often the newest state of each updated 1-minute window is
 *     written
 * @param hourAggregateFlushInterval the same for 1-hour windows
 * @param maxReadingAge oldest reading the gateway accepts; partitions are kept ready this far back
 * @param retention how long raw readings are kept
 * @param sessionTimeout how soon a crashed instance's partitions move to another (Streams and sink)
 * @param medicationStateStores where the medication stream keeps its state: {@code in-memory}
 *     (restored from its changelogs at start) or {@code rocksdb}
 * @param sinkHealthTolerance health is DOWN while a sink has been failing (or has not polled) for
 *     longer than this
 * @param stallTimeout health of a Streams application is DOWN when its committed offsets have not
 *     moved for this long although records arrived
 * @param windowGrace1m how late (in stream time) a reading may arrive and still count in its
 *     1-minute aggregate
 * @param windowGrace1h the same for 1-hour aggregates
 * @param clockSkew how far a reading's effective time may lie after its receipt before it is set
 *     aside (a far-future event time would close every window of its partition); the same setting
 *     and default as the gateway's {@code vitalflow.ingest.clock-skew} and the FHIR API's {@code
 *     vitalflow.fhir.clock-skew}, and never smaller than theirs, or readings they accepted would
 *     become dead letters here
 */
@Validated
@ConfigurationProperties("vitalflow.processor")
public record ProcessorProperties(
    @DefaultValue("") String topicPrefix,
    @DefaultValue("vitalflow-vitals") @NotBlank String applicationId,
    @DefaultValue("${java.io.tmpdir}/vitalflow-streams") Path stateDir,
    @DefaultValue("2") @Min(1) int streamThreads,
    @DefaultValue("2s") Duration streamsCommitInterval,
    @DefaultValue("67108864") long streamsCacheBytes,
    @DefaultValue("1") @Min(1) short replicationFactor,
    @DefaultValue("2") @Min(1) int sinkThreads,
    @DefaultValue("20000") @Min(1) int sinkBatchRecords,
    @DefaultValue("100ms") Duration sinkLinger,
    @DefaultValue("2s") Duration aggregateFlushInterval,
    @DefaultValue("10s") Duration hourAggregateFlushInterval,
    @DefaultValue("7d") Duration maxReadingAge,
    @DefaultValue("30d") Duration retention,
    @DefaultValue("10s") Duration sessionTimeout,
    @DefaultValue("in-memory") MedicationTopology.StateStores medicationStateStores,
    @DefaultValue("60s") Duration sinkHealthTolerance,
    @DefaultValue("60s") Duration stallTimeout,
    @DefaultValue("30s") @NotNull Duration windowGrace1m,
    @DefaultValue("5m") @NotNull Duration windowGrace1h,
    @DefaultValue("5s") @NotNull Duration clockSkew) {}
