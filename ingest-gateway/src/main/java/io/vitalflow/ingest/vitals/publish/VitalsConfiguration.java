package io.vitalflow.ingest.vitals.publish;

import io.micrometer.tracing.Tracer;
import io.micrometer.tracing.propagation.Propagator;
import io.vitalflow.ingest.IngestProperties;
import io.vitalflow.kafka.KafkaClients;
import io.vitalflow.kafka.RecordTracing;
import java.util.Map;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.kafka.autoconfigure.KafkaProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The Kafka side of the vitals path. */
@Configuration(proxyBeanMethods = false)
class VitalsConfiguration {

  @Bean(destroyMethod = "close")
  VitalsPublisher vitalsPublisher(
      IngestProperties properties,
      KafkaProperties kafka,
      ObjectProvider<Tracer> tracer,
      ObjectProvider<Propagator> propagator) {
    return VitalsPublisher.create(
        properties,
        kafka,
        RecordTracing.of(
            tracer.getIfAvailable(() -> Tracer.NOOP),
            propagator.getIfAvailable(() -> Propagator.NOOP)));
  }

  @Bean(destroyMethod = "close")
  TopicWritability topicWritability(KafkaProperties kafka, VitalsPublisher publisher) {
    return new TopicWritability(KafkaClients.of(kafka).admin(Map.of()), publisher.topic());
  }
}
