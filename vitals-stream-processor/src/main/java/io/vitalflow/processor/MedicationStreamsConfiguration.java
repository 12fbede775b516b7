package io.vitalflow.processor;

import java.time.Duration;
import java.util.Properties;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import io.micrometer.core.instrument.MeterRegistry;
import io.vitalflow.infra.kafka.StreamsRunner;
import io.vitalflow.interactions.WasmInteractionChecker;
import io.vitalflow.processor.medication.MedicationTopology;
import io.vitalflow.infra.kafka.StreamsSettings;

/**
 * The medication-interaction stream as its own Kafka Streams application ({@code <application-id>-medications}),
 * on unless {@code vitalflow.processor.medications-enabled=false}.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnBooleanProperty(name = "vitalflow.processor.medications-enabled", matchIfMissing = true)
class MedicationStreamsConfiguration {

  /** Commit often: a DetectedIssue and its alert are visible only after the transaction commits. */
  static final Duration COMMIT_INTERVAL = Duration.ofMillis(200);

  private static final Logger log = LoggerFactory.getLogger(MedicationStreamsConfiguration.class);

  /** One checker for the process: thread-safe, it lends each call its own pooled plugin instance. */
  @Bean(destroyMethod = "close")
  WasmInteractionChecker interactionChecker() {
    WasmInteractionChecker checker = WasmInteractionChecker.shipped();
    log.info("Interaction checker ready, knowledge base {}", checker.kbVersion());
    return checker;
  }

  @Bean
  StreamsRunner medicationStreams(ProcessorProperties properties, WasmInteractionChecker checker,
      MeterRegistry meters) {
    var topology = new MedicationTopology(MedicationTopology.Options.of(checker)
        .withTopicPrefix(properties.topicPrefix()));
    Properties streams = StreamsSettings.properties(StreamsSettings.Options
        .of(properties.applicationId() + "-medications", properties.kafkaBootstrap(), properties.stateDir())
        .withReplicationFactor(properties.replicationFactor())
        .withStreamThreads(1)
        .withCommitInterval(COMMIT_INTERVAL)
        .withCacheMaxBytes(1L << 20));
    StreamsSettings.sessionTimeout(streams, properties.sessionTimeout());
    return new StreamsRunner(topology.build(), streams, meters);
  }

  @Bean
  StreamsHealthIndicator medicationStreamsHealthIndicator(StreamsRunner medicationStreams) {
    return new StreamsHealthIndicator(medicationStreams);
  }
}
