package io.vitalflow.fhir;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import java.nio.file.Path;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Settings of the FHIR server; the defaults work on the local stack and are written once, here.
 * Kafka is configured with Spring Boot's {@code spring.kafka.*} (every client: command sender,
 * command processor, projection, topic creation), the database with {@code spring.datasource.*}
 * (the write side's HikariCP pool) from which the reads' {@code spring.r2dbc.*} is derived unless
 * it is set ({@link R2dbcFromDataSource}).
 *
 * @param writesEnabled false makes a read-only server (writes answer 405, no Kafka client is made)
 * @param topicPrefix prefix of every topic name (empty in production)
 * @param applicationId Kafka Streams application id of the command processor (prefix of its
 *     internal topics)
 * @param stateDir where the command processor keeps its RocksDB store
 * @param streamThreads command processor threads
 * @param commitInterval exactly-once commit interval of the command processor: a write is visible
 *     to the projection only after the commit, so this bounds write latency from below
 * @param replicationFactor of the command processor's internal topics; -1 takes the broker default
 * @param projectionThreads projection consumers, each with one database connection
 * @param projectionBatchRecords flush a projection batch at this many versions
 * @param projectionLinger flush a projection batch at the latest after this long
 * @param writeTimeout how long a write waits to become readable before answering 202 instead
 * @param maxResourceBytes largest request body for a single resource (413 above)
 * @param maxBundleBytes largest request body for a batch or transaction Bundle (413 above)
 * @param maxStringLength longest primitive value (characters) of a resource, base64Binary excepted
 *     (422 above); FHIR's own limit for a string is 1 MB
 * @param maxIndexEntries most searchable values (search index rows) of one resource (422 above):
 *     the projection writes them in one transaction
 * @param maxDepth deepest nesting of a request body: JSON objects and arrays, XML elements, and the
 *     XHTML of a narrative (400 above). The official R4 examples nest at most 22 levels in JSON and
 *     17 in a narrative; HAPI's XHTML parser recurses per level and overflowed the stack at a few
 *     thousand
 * @param defaultPageSize search page size without {@code _count}
 * @param maxPageSize largest {@code _count} honoured
 * @param sessionTimeout how soon a crashed instance's partitions move to another
 * @param commandProcessorEnabled whether this instance runs the command processor (default true).
 *     Set it to false for a projection-only replica, e.g. one that rebuilds a fresh database from
 *     {@code fhir.resources.v1}: its writes still go to {@code fhir.commands.v1} and are decided by
 *     the instances that run the processor. A processor under a new {@link #applicationId} would
 *     start from the beginning of the command topic with an empty state store and decide every old
 *     command again, writing duplicate versions with new timestamps; so never give a processor a
 *     new application id on an existing command topic.
 * @param sinkHealthTolerance health is DOWN while the projection has been failing (or has not
 *     polled) for longer than this
 * @param stallTimeout health of the command processor is DOWN when its committed offsets have not
 *     moved for this long although commands arrived
 * @param clockSkew how far after its write a vital-sign Observation's effective time may lie and
 *     still become a reading; the same setting and default as {@code vitalflow.ingest.clock-skew}
 *     and {@code vitalflow.processor.clock-skew} (which must not be smaller, or such readings
 *     become dead letters there)
 * @param validateOnWrite whether creates and updates are checked by the profile validator (422 with
 *     its issues when it finds errors); off by default: validation costs CPU on every write
 * @param conditionalDeleteMax most resources one conditional delete ({@code DELETE [type]?search})
 *     deletes; more matches are a 412. 1 makes conditional delete single
 * @param reindexEnabled whether this instance rebuilds the search index in the background when the
 *     indexed set of parameters changed (one instance at a time does; see {@code SearchReindexer})
 * @param reindexBatch resources per transaction of that rebuild
 */
@Validated
@ConfigurationProperties("vitalflow.fhir")
public record FhirProperties(
    @DefaultValue("true") boolean writesEnabled,
    @DefaultValue("") String topicPrefix,
    @DefaultValue("vitalflow-fhir") @NotBlank String applicationId,
    @DefaultValue("${java.io.tmpdir}/vitalflow-fhir-streams") Path stateDir,
    @DefaultValue("1") @Min(1) int streamThreads,
    @DefaultValue("20ms") Duration commitInterval,
    @DefaultValue("-1") short replicationFactor,
    @DefaultValue("2") @Min(1) int projectionThreads,
    @DefaultValue("2000") @Min(1) int projectionBatchRecords,
    @DefaultValue("2ms") Duration projectionLinger,
    @DefaultValue("10s") Duration writeTimeout,
    @DefaultValue("2097152") @Min(1024) int maxResourceBytes,
    @DefaultValue("67108864") @Min(1024) int maxBundleBytes,
    @DefaultValue("1048576") @Min(64) int maxStringLength,
    @DefaultValue("1000") @Min(1) int maxIndexEntries,
    @DefaultValue("100") @Min(8) @Max(1000) int maxDepth,
    @DefaultValue("20") @Min(1) int defaultPageSize,
    @DefaultValue("1000") @Min(1) @Max(10000) int maxPageSize,
    @DefaultValue("10s") Duration sessionTimeout,
    @DefaultValue("true") boolean commandProcessorEnabled,
    @DefaultValue("60s") Duration sinkHealthTolerance,
    @DefaultValue("60s") Duration stallTimeout,
    @DefaultValue("5s") @NotNull Duration clockSkew,
    @DefaultValue("false") boolean validateOnWrite,
    @DefaultValue("100") @Min(1) @Max(1000) int conditionalDeleteMax,
    @DefaultValue("true") boolean reindexEnabled,
    @DefaultValue("500") @Min(1) @Max(10000) int reindexBatch) {

  /** Whether this instance accepts writes. */
  public boolean writable() {
    return writesEnabled;
  }
}
