package io.vitalflow.ingest.vitals.publish;

import io.vitalflow.ingest.IngestProperties;
import org.springframework.boot.kafka.autoconfigure.KafkaProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The Kafka side of the vitals path. */
@Configuration(proxyBeanMethods = false)
class VitalsConfiguration {

  @Bean(destroyMethod = "close")
  VitalsPublisher vitalsPublisher(IngestProperties properties, KafkaProperties kafka) {
    return VitalsPublisher.create(properties, kafka);
  }
}
