package io.vitalflow.processor;

import io.micrometer.core.instrument.MeterRegistry;
import io.vitalflow.interactions.WasmInteractionChecker;
import io.vitalflow.kafka.KafkaClients;
import io.vitalflow.kafka.StreamsReadiness;
import io.vitalflow.kafka.StreamsRunner;
import io.vitalflow.kafka.StreamsSettings;
import io.vitalflow.processor.medication.MedicationTopology;
import java.util.Properties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The medication-interaction stream as its own Kafka Streams application ({@code
 * <application-id>-medications}), on unless {@code vitalflow.processor.medications-enabled=false}.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnBooleanProperty(
    name = "vitalflow.processor.medications-enabled",
    matchIfMissing = true)
class MedicationStreamsConfiguration {

  private static final Logger log = LoggerFactory.getLogger(MedicationStreamsConfiguration.class);

  /**
   * One checker for the process: thread-safe, it lends each call its own pooled plugin instance.
   */
  @Bean(destroyMethod = "close")
  WasmInteractionChecker interactionChecker() {
    WasmInteractionChecker checker = WasmInteractionChecker.shipped();
    log.info("Interaction checker ready, knowledge base {}", checker.kbVersion());
    return checker;
  }

  @Bean
  StreamsRunner medicationStreams(
      ProcessorProperties properties,
      KafkaClients kafka,
      WasmInteractionChecker checker,
      MeterRegistry meters) {
    var topology =
        new MedicationTopology(
            MedicationTopology.Options.of(checker)
                .withTopicPrefix(properties.topicPrefix())
                .withMeters(meters));
    Properties streams =
        StreamsSettings.properties(
            StreamsSettings.Options.of(
                    properties.applicationId() + "-medications", properties.stateDir())
                .withReplicationFactor(properties.replicationFactor())
                .withStreamThreads(1)
                .withCommitInterval(MedicationTopology.COMMIT_INTERVAL)
                .withCacheMaxBytes(MedicationTopology.CACHE_MAX_BYTES),
            kafka);
    StreamsSettings.sessionTimeout(streams, properties.sessionTimeout());
    log.info("Medication stream state: {} stores", properties.medicationStateStores());
    return new StreamsRunner(
        topology.build(properties.medicationStateStores()),
        streams,
        meters,
        properties.stallTimeout());
  }

  @Bean
  StreamsHealthIndicator medicationStreamsHealthIndicator(StreamsRunner medicationStreams) {
    return new StreamsHealthIndicator(medicationStreams);
  }

  /** Readiness component {@code medicationStreamsReadiness}: NOT_READY unless RUNNING. */
  @Bean
  StreamsReadiness medicationStreamsReadiness(StreamsRunner medicationStreams) {
    return new StreamsReadiness(medicationStreams);
  }
}
