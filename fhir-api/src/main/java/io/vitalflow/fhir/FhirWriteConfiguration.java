package io.vitalflow.fhir;

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
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnExpression;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import ca.uhn.fhir.context.FhirContext;
import io.micrometer.core.instrument.MeterRegistry;
import io.vitalflow.fhir.command.FhirCommandTopology;
import io.vitalflow.fhir.store.FhirProjection;
import io.vitalflow.storage.sink.SinkHealthIndicator;
import io.vitalflow.fhir.store.IndexedProjection;
import io.vitalflow.fhir.store.ResourceStore;
import io.vitalflow.fhir.store.WriteNotifications;
import io.vitalflow.fhir.vitals.VitalSignMapping;
import io.vitalflow.fhir.write.CommandSender;
import io.vitalflow.fhir.write.Writes;
import io.vitalflow.kafka.StreamsRunner;
import io.vitalflow.kafka.StreamsSettings;
import io.vitalflow.kafka.TopicAdmin;
import io.vitalflow.storage.Migrations;
import io.vitalflow.storage.PostgresCoordinates;
import io.vitalflow.schemas.FhirResourceVersion;
import io.vitalflow.schemas.Topics;
import io.vitalflow.schemas.VitalSign;

/**
 * The write side, present when a broker is configured: the command sender, the exactly-once command
 * processor, the PostgreSQL projection and the notifications that make writes read-your-writes.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnExpression("!'${vitalflow.fhir.kafka-bootstrap:}'.isBlank()")
class FhirWriteConfiguration {

  private static final Logger log = LoggerFactory.getLogger(FhirWriteConfiguration.class);

  @Bean
  DataSource fhirDataSource(FhirProperties properties) {
    DataSource dataSource = PostgresCoordinates
        .fromJdbcUrl(properties.jdbcUrl(), properties.jdbcUser(), properties.jdbcPassword()).dataSource();
    if (dataSource instanceof org.postgresql.ds.PGSimpleDataSource pg) {
      pg.setReWriteBatchedInserts(true);
    }
    Migrations.migrate(dataSource);
    TopicAdmin.ensureTopics(properties.kafkaBootstrap(), properties.topicPrefix(),
        properties.replicationFactor() < 1 ? 1 : properties.replicationFactor(), List.of(Topics.FHIR_COMMANDS,
            Topics.FHIR_RESOURCES, Topics.FHIR_OUTCOMES, Topics.FHIR_COMMANDS_DLQ, Topics.VITALS_RAW));
    return dataSource;
  }

  @Bean(destroyMethod = "close")
  WriteNotifications writeNotifications(DataSource fhirDataSource) {
    WriteNotifications notifications = new WriteNotifications(fhirDataSource);
    notifications.start(Duration.ofSeconds(30));
    return notifications;
  }

  @Bean(destroyMethod = "close")
  CommandSender commandSender(FhirProperties properties) {
    return new CommandSender(properties.kafkaBootstrap(), properties.topicPrefix(), Duration.ofSeconds(30));
  }

  @Bean
  Writes writes(CommandSender sender, WriteNotifications notifications, ResourceStore store,
      FhirProperties properties, MeterRegistry meters) {
    log.info("FHIR writes go to {}{} and wait up to {} to be readable", properties.topicPrefix(),
        Topics.FHIR_COMMANDS.name(), properties.writeTimeout());
    return new Writes(sender, notifications, store, properties.writeTimeout(), meters);
  }

  /** Absent on a projection-only replica ({@code vitalflow.fhir.command-processor-enabled=false}). */
  @Bean
  @ConditionalOnBooleanProperty(name = "vitalflow.fhir.command-processor-enabled", matchIfMissing = true)
  StreamsRunner fhirCommandProcessor(FhirProperties properties, DataSource fhirDataSource, MeterRegistry meters) {
    var topology = new FhirCommandTopology(new FhirCommandTopology.Options(properties.topicPrefix(),
        FhirWriteConfiguration::vitalsOf)).build();
    Properties p = StreamsSettings.properties(StreamsSettings.Options
        .of(properties.applicationId(), properties.kafkaBootstrap(), properties.stateDir())
        .withReplicationFactor(properties.replicationFactor())
        .withStreamThreads(properties.streamThreads())
        .withCommitInterval(properties.commitInterval())
        .withCacheMaxBytes(0));
    StreamsSettings.sessionTimeout(p, properties.sessionTimeout());
    // a command is answered only after its transaction commits: poll briefly so the loop reaches the commit
    p.put(StreamsConfig.POLL_MS_CONFIG, 5);
    p.put(StreamsConfig.producerPrefix(ProducerConfig.LINGER_MS_CONFIG), 1);
    p.put(StreamsConfig.producerPrefix(ProducerConfig.MAX_REQUEST_SIZE_CONFIG), 8 * 1024 * 1024);
    p.put(StreamsConfig.consumerPrefix(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG), 10);
    return new StreamsRunner(topology, p, meters, properties.stallTimeout());
  }

  @Bean(destroyMethod = "close")
  FhirProjection fhirProjection(FhirProperties properties, DataSource fhirDataSource, MeterRegistry meters) {
    FhirProjection projection = new FhirProjection(properties.kafkaBootstrap(), fhirDataSource,
        properties.topicPrefix(), properties.applicationId() + "-projection", properties.projectionThreads(),
        properties.projectionBatchRecords(), properties.projectionLinger(), properties.sessionTimeout(),
        new IndexedProjection(), meters);
    projection.start();
    return projection;
  }

  /** {@code /actuator/health} component {@code fhirProjection}: DOWN while the projection makes no progress. */
  @Bean
  SinkHealthIndicator fhirProjectionHealthIndicator(FhirProjection fhirProjection, FhirProperties properties) {
    return new SinkHealthIndicator(List.of(fhirProjection::health), properties.sinkHealthTolerance());
  }

  /** Vital-sign Observations written through the API also become readings: one reading, one truth. */
  static List<VitalSign> vitalsOf(FhirResourceVersion version) {
    if (!version.getResourceType().equals("Observation") || version.getResource() == null) {
      return List.of();
    }
    Observation observation = FhirContext.forR4Cached().newJsonParser().parseResource(Observation.class,
        version.getResource());
    return VitalSignMapping.fromObservation(observation, "Observation/" + version.getResourceId() + "/_history/"
        + version.getVersionId(), version.getLastUpdated());
  }
}
