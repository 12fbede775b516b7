package io.vitalflow.fhir;

import ca.uhn.fhir.context.FhirContext;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.tracing.Tracer;
import io.micrometer.tracing.propagation.Propagator;
import io.vitalflow.fhir.command.FhirCommandTopology;
import io.vitalflow.fhir.store.FhirProjection;
import io.vitalflow.fhir.store.IndexedProjection;
import io.vitalflow.fhir.store.ResourceStore;
import io.vitalflow.fhir.store.SearchReindexer;
import io.vitalflow.fhir.store.WriteNotifications;
import io.vitalflow.fhir.vitals.VitalSignMapping;
import io.vitalflow.fhir.write.CommandSender;
import io.vitalflow.fhir.write.Writes;
import io.vitalflow.kafka.KafkaClients;
import io.vitalflow.kafka.RecordTracing;
import io.vitalflow.kafka.StreamsRunner;
import io.vitalflow.kafka.StreamsSettings;
import io.vitalflow.kafka.TopicAdmin;
import io.vitalflow.schemas.FhirResourceVersion;
import io.vitalflow.schemas.Topics;
import io.vitalflow.schemas.VitalSign;
import io.vitalflow.storage.Migrations;
import io.vitalflow.storage.StorageLayout;
import io.vitalflow.storage.sink.SinkHealthIndicator;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import javax.sql.DataSource;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.streams.StreamsConfig;
import org.hl7.fhir.r4.model.Observation;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.kafka.autoconfigure.KafkaProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The write side, present unless {@code vitalflow.fhir.writes-enabled=false}: the command sender,
 * the exactly-once command processor, the PostgreSQL projection and the notifications that make
 * writes read-your-writes. Its Kafka clients get the operator's {@code spring.kafka.*}; its
 * database is Spring Boot's pooled {@code spring.datasource}.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnBooleanProperty(name = "vitalflow.fhir.writes-enabled", matchIfMissing = true)
class FhirWriteConfiguration {

  private static final Logger log = LoggerFactory.getLogger(FhirWriteConfiguration.class);

  @Bean
  KafkaClients fhirKafkaClients(KafkaProperties kafka) {
    return KafkaClients.of(kafka);
  }

  /**
   * Carries a write's trace from the HTTP request through the command to the projection
   * (docs/observability.md, "Tracing"); {@link RecordTracing#OFF} without a tracer.
   */
  @Bean
  RecordTracing fhirRecordTracing(
      ObjectProvider<Tracer> tracer, ObjectProvider<Propagator> propagator) {
    return RecordTracing.of(
        tracer.getIfAvailable(() -> Tracer.NOOP), propagator.getIfAvailable(() -> Propagator.NOOP));
  }

  /** The schema and the topics, before anything reads or writes them. */
  @Bean
  StorageLayout fhirStorage(
      DataSource dataSource, KafkaClients fhirKafkaClients, FhirProperties properties) {
    StorageLayout layout = Migrations.migrate(dataSource);
    TopicAdmin.ensureTopics(
        fhirKafkaClients,
        properties.topicPrefix(),
        properties.replicationFactor() < 1 ? 1 : properties.replicationFactor(),
        List.of(
            Topics.FHIR_COMMANDS,
            Topics.FHIR_RESOURCES,
            Topics.FHIR_OUTCOMES,
            Topics.FHIR_COMMANDS_DLQ,
            Topics.VITALS_RAW));
    return layout;
  }

  @Bean(destroyMethod = "close")
  WriteNotifications writeNotifications(DataSource dataSource, StorageLayout fhirStorage) {
    WriteNotifications notifications = new WriteNotifications(dataSource);
    notifications.start(Duration.ofSeconds(30));
    return notifications;
  }

  @Bean(destroyMethod = "close")
  CommandSender commandSender(
      FhirProperties properties,
      KafkaClients fhirKafkaClients,
      StorageLayout fhirStorage,
      RecordTracing fhirRecordTracing) {
    return new CommandSender(
        fhirKafkaClients, properties.topicPrefix(), Duration.ofSeconds(30), fhirRecordTracing);
  }

  @Bean
  Writes writes(
      CommandSender sender,
      WriteNotifications notifications,
      ResourceStore store,
      FhirProperties properties,
      MeterRegistry meters) {
    log.info(
        "FHIR writes go to {}{} and wait up to {} to be readable",
        properties.topicPrefix(),
        Topics.FHIR_COMMANDS.name(),
        properties.writeTimeout());
    return new Writes(sender, notifications, store, properties.writeTimeout(), meters);
  }

  /**
   * Absent on a projection-only replica ({@code vitalflow.fhir.command-processor-enabled=false}).
   */
  @Bean
  @ConditionalOnBooleanProperty(
      name = "vitalflow.fhir.command-processor-enabled",
      matchIfMissing = true)
  StreamsRunner fhirCommandProcessor(
      FhirProperties properties,
      KafkaClients fhirKafkaClients,
      StorageLayout fhirStorage,
      MeterRegistry meters,
      RecordTracing fhirRecordTracing) {
    Duration clockSkew = properties.clockSkew();
    var topology =
        new FhirCommandTopology(
                new FhirCommandTopology.Options(
                    properties.topicPrefix(), version -> vitalsOf(version, clockSkew)),
                fhirRecordTracing)
            .build();
    Properties p =
        StreamsSettings.properties(
            StreamsSettings.Options.of(properties.applicationId(), properties.stateDir())
                .withReplicationFactor(properties.replicationFactor())
                .withStreamThreads(properties.streamThreads())
                .withCommitInterval(properties.commitInterval())
                .withCacheMaxBytes(0),
            fhirKafkaClients);
    StreamsSettings.sessionTimeout(p, properties.sessionTimeout());
    // a command is answered only after its transaction commits: poll briefly so the loop reaches
    // the commit
    p.put(StreamsConfig.POLL_MS_CONFIG, 5);
    p.put(StreamsConfig.producerPrefix(ProducerConfig.LINGER_MS_CONFIG), 1);
    p.put(StreamsConfig.producerPrefix(ProducerConfig.MAX_REQUEST_SIZE_CONFIG), 8 * 1024 * 1024);
    p.put(StreamsConfig.consumerPrefix(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG), 10);
    return new StreamsRunner(topology, p, meters, properties.stallTimeout());
  }

  @Bean(destroyMethod = "close")
  FhirProjection fhirProjection(
      FhirProperties properties,
      KafkaClients fhirKafkaClients,
      DataSource dataSource,
      StorageLayout fhirStorage,
      MeterRegistry meters,
      RecordTracing fhirRecordTracing) {
    FhirProjection projection =
        new FhirProjection(
            fhirKafkaClients,
            dataSource,
            properties.topicPrefix(),
            properties.applicationId() + "-projection",
            properties.projectionThreads(),
            properties.projectionBatchRecords(),
            properties.projectionLinger(),
            properties.sessionTimeout(),
            new IndexedProjection(),
            meters,
            fhirRecordTracing);
    projection.start();
    return projection;
  }

  /**
   * Rebuilds the search index in the background when this build indexes another set of parameters
   * than the index holds (docs/fhir.md, "Re-indexing").
   */
  @Bean(destroyMethod = "close")
  @ConditionalOnBooleanProperty(name = "vitalflow.fhir.reindex-enabled", matchIfMissing = true)
  SearchReindexer searchReindexer(
      FhirProperties properties,
      DataSource dataSource,
      StorageLayout fhirStorage,
      MeterRegistry meters) {
    SearchReindexer reindexer = new SearchReindexer(dataSource, properties.reindexBatch(), meters);
    reindexer.start();
    return reindexer;
  }

  /**
   * {@code /actuator/health} component {@code fhirProjection}: DOWN while the projection makes no
   * progress.
   */
  @Bean
  SinkHealthIndicator fhirProjectionHealthIndicator(
      FhirProjection fhirProjection, FhirProperties properties) {
    return new SinkHealthIndicator(
        List.of(fhirProjection::health), properties.sinkHealthTolerance());
  }

  /**
   * Vital-sign Observations written through the API also become readings: one reading, one truth.
   */
  static List<VitalSign> vitalsOf(FhirResourceVersion version, Duration clockSkew) {
    if (!version.getResourceType().equals("Observation") || version.getResource() == null) {
      return List.of();
    }
    Observation observation =
        FhirContext.forR4Cached()
            .newJsonParser()
            .parseResource(Observation.class, version.getResource());
    return VitalSignMapping.fromObservation(
        observation,
        "Observation/" + version.getResourceId() + "/_history/" + version.getVersionId(),
        version.getLastUpdated(),
        clockSkew);
  }
}
