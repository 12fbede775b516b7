package io.vitalflow.processor;

import com.zaxxer.hikari.HikariDataSource;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.tracing.Tracer;
import io.micrometer.tracing.propagation.Propagator;
import io.vitalflow.kafka.KafkaClients;
import io.vitalflow.kafka.RecordTracing;
import io.vitalflow.kafka.StreamsReadiness;
import io.vitalflow.kafka.StreamsRunner;
import io.vitalflow.kafka.StreamsSettings;
import io.vitalflow.kafka.TopicAdmin;
import io.vitalflow.processor.sink.SinkSettings;
import io.vitalflow.processor.sink.VitalsSink;
import io.vitalflow.processor.topology.RawReadingCheck;
import io.vitalflow.processor.topology.VitalsTopology;
import io.vitalflow.schemas.Topics;
import io.vitalflow.storage.Migrations;
import io.vitalflow.storage.PartitionMaintenance;
import io.vitalflow.storage.PeriodicMaintenance;
import io.vitalflow.storage.StorageLayout;
import io.vitalflow.storage.sink.SinkHealthIndicator;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import javax.sql.DataSource;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.streams.StreamsConfig;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.kafka.autoconfigure.KafkaProperties;
import org.springframework.context.annotation.Bean;

/**
 * Kafka Streams (aggregates, NEWS2, dead letters), the PostgreSQL sink and, as a second Streams
 * application, the medication-interaction checks ({@link MedicationStreamsConfiguration}), in one
 * service.
 */
@SpringBootApplication
@EnableConfigurationProperties(ProcessorProperties.class)
public class VitalsProcessorApplication {

  /** Several services share one JVM in the local platform, so each reads its own config file. */
  public static SpringApplicationBuilder builder() {
    return new SpringApplicationBuilder(VitalsProcessorApplication.class)
        .web(WebApplicationType.REACTIVE)
        .properties("spring.config.name=vitals-stream-processor");
  }

  public static void main(String[] args) {
    builder().run(args);
  }

  /**
   * Every Kafka client of this service (Streams, sinks, dead letters) gets the operator's {@code
   * spring.kafka.*}. Before any of them exists, the catalogue's topics are created where missing
   * (idempotent; partitions and settings from {@link Topics}, replication {@code
   * vitalflow.processor.replication-factor}): the processor reads or writes nearly all of them, so
   * a processor started on its own needs no other step (docs/deployment.md). Kafka unreachable for
   * 30 s: the start fails, naming the brokers.
   */
  @Bean
  KafkaClients kafkaClients(KafkaProperties kafka, ProcessorProperties properties) {
    KafkaClients clients = KafkaClients.of(kafka);
    TopicAdmin.ensureTopics(
        clients, properties.topicPrefix(), properties.replicationFactor(), Topics.ALL);
    return clients;
  }

  /**
   * The schema, before anything reads or writes: the pool is Spring Boot's ({@code
   * spring.datasource.*}). Each sink consumer holds one connection while it runs, so a pool too
   * small for them would leave a sink waiting for a connection forever: refused at start, naming
   * both settings.
   */
  @Bean
  StorageLayout storageLayout(DataSource dataSource, ProcessorProperties properties) {
    int held =
        properties.sinkThreads() + 2; // the readings sink's consumers and the two aggregate sinks
    if (dataSource instanceof HikariDataSource pool && pool.getMaximumPoolSize() < held + 2) {
      throw new IllegalStateException(
          "spring.datasource.hikari.maximum-pool-size ("
              + pool.getMaximumPoolSize()
              + ") must be at least vitalflow.processor.sink-threads + 4 ("
              + (held + 2)
              + "): each sink consumer holds "
              + "a connection, partition maintenance and health need two more");
    }
    return Migrations.migrate(dataSource);
  }

  @Bean
  PartitionMaintenance partitionMaintenance(
      DataSource dataSource, StorageLayout migrated, ProcessorProperties properties) {
    return new PartitionMaintenance(
        dataSource,
        properties.maxReadingAge(),
        Duration.ofDays(3),
        properties.retention(),
        Clock.systemUTC());
  }

  /** Partition maintenance every hour (days ahead, expired ones dropped), a minute after start. */
  @Bean
  PeriodicMaintenance partitionScheduler(PartitionMaintenance maintenance) {
    return new PeriodicMaintenance(
        "partition maintenance", maintenance::run, Duration.ofMinutes(1), Duration.ofHours(1));
  }

  /**
   * Continues the traces that records carry in their headers (docs/observability.md, "Tracing");
   * {@link RecordTracing#OFF} without a tracer.
   */
  @Bean
  RecordTracing recordTracing(
      ObjectProvider<Tracer> tracer, ObjectProvider<Propagator> propagator) {
    return RecordTracing.of(
        tracer.getIfAvailable(() -> Tracer.NOOP), propagator.getIfAvailable(() -> Propagator.NOOP));
  }

  @Bean
  VitalsTopology.Options topologyOptions(ProcessorProperties properties) {
    return VitalsTopology.Options.defaults()
        .withTopicPrefix(properties.topicPrefix())
        .withGrace1m(properties.windowGrace1m())
        .withGrace1h(properties.windowGrace1h())
        .withMaxFutureSkew(properties.clockSkew());
  }

  @Bean
  StreamsRunner vitalsStreams(
      ProcessorProperties properties,
      VitalsTopology.Options options,
      KafkaClients kafka,
      MeterRegistry meters,
      RecordTracing tracing) {
    var topology = new VitalsTopology(options, tracing);
    Properties streams =
        StreamsSettings.properties(
            StreamsSettings.Options.of(properties.applicationId(), properties.stateDir())
                .withReplicationFactor(properties.replicationFactor())
                .withStreamThreads(properties.streamThreads())
                .withCommitInterval(properties.streamsCommitInterval())
                .withCacheMaxBytes(properties.streamsCacheBytes()),
            kafka);
    // each commit sends thousands of window updates per partition: fewer, larger (lz4) batches
    streams.put(StreamsConfig.producerPrefix(ProducerConfig.BATCH_SIZE_CONFIG), 256 * 1024);
    StreamsSettings.sessionTimeout(streams, properties.sessionTimeout());
    return new StreamsRunner(topology.build(), streams, meters, properties.stallTimeout());
  }

  @Bean
  StreamsHealthIndicator streamsHealthIndicator(StreamsRunner vitalsStreams) {
    return new StreamsHealthIndicator(vitalsStreams);
  }

  /**
   * Readiness component {@code streamsReadiness}: NOT_READY while the vitals application rebalances
   * or restores (docs/deployment.md, Probes).
   */
  @Bean
  StreamsReadiness streamsReadiness(StreamsRunner vitalsStreams) {
    return new StreamsReadiness(vitalsStreams);
  }

  @Bean(destroyMethod = "close")
  VitalsSink readingsSink(
      ProcessorProperties properties,
      KafkaClients kafka,
      DataSource dataSource,
      MeterRegistry meters,
      PartitionMaintenance maintenance,
      VitalsTopology.Options options,
      RecordTracing tracing) {
    maintenance.run();
    return startSink(
        kafka,
        dataSource,
        meters,
        RawReadingCheck.of(options),
        tracing,
        new SinkSettings(
            SinkSettings.Streams.READINGS,
            properties.applicationId() + "-sink-readings",
            properties.topicPrefix(),
            properties.sinkBatchRecords(),
            properties.sinkLinger(),
            properties.sinkThreads(),
            properties.sessionTimeout()));
  }

  @Bean(destroyMethod = "close")
  VitalsSink minuteAggregatesSink(
      ProcessorProperties properties,
      KafkaClients kafka,
      DataSource dataSource,
      StorageLayout migrated,
      MeterRegistry meters,
      VitalsTopology.Options options,
      RecordTracing tracing) {
    return startAggregatesSink(
        properties,
        kafka,
        dataSource,
        meters,
        options,
        tracing,
        SinkSettings.Streams.MINUTE_AGGREGATES,
        "-sink-agg-1m",
        properties.aggregateFlushInterval());
  }

  @Bean(destroyMethod = "close")
  VitalsSink hourAggregatesSink(
      ProcessorProperties properties,
      KafkaClients kafka,
      DataSource dataSource,
      StorageLayout migrated,
      MeterRegistry meters,
      VitalsTopology.Options options,
      RecordTracing tracing) {
    return startAggregatesSink(
        properties,
        kafka,
        dataSource,
        meters,
        options,
        tracing,
        SinkSettings.Streams.HOUR_AGGREGATES,
        "-sink-agg-1h",
        properties.hourAggregateFlushInterval());
  }

  /** {@code /actuator/health} component {@code sinks}: DOWN while a sink makes no progress. */
  @Bean
  SinkHealthIndicator sinksHealthIndicator(
      VitalsSink readingsSink,
      VitalsSink minuteAggregatesSink,
      VitalsSink hourAggregatesSink,
      ProcessorProperties properties) {
    return new SinkHealthIndicator(
        List.of(readingsSink::health, minuteAggregatesSink::health, hourAggregatesSink::health),
        properties.sinkHealthTolerance());
  }

  /**
   * Window updates are collapsed per window between flushes, so the batch is bounded by time only.
   */
  private static VitalsSink startAggregatesSink(
      ProcessorProperties properties,
      KafkaClients kafka,
      DataSource dataSource,
      MeterRegistry meters,
      VitalsTopology.Options options,
      RecordTracing tracing,
      SinkSettings.Streams streams,
      String groupSuffix,
      Duration flushInterval) {
    return startSink(
        kafka,
        dataSource,
        meters,
        RawReadingCheck.of(options),
        tracing,
        new SinkSettings(
            streams,
            properties.applicationId() + groupSuffix,
            properties.topicPrefix(),
            1_000_000,
            flushInterval,
            1,
            properties.sessionTimeout()));
  }

  private static VitalsSink startSink(
      KafkaClients kafka,
      DataSource dataSource,
      MeterRegistry meters,
      RawReadingCheck readingCheck,
      RecordTracing tracing,
      SinkSettings settings) {
    VitalsSink sink = new VitalsSink(kafka, dataSource, settings, meters, readingCheck, tracing);
    sink.start();
    return sink;
  }
}
