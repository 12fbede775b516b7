package io.vitalflow.kafka;

import io.micrometer.core.instrument.config.MeterFilter;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.context.annotation.Bean;

/**
 * {@link StoreMetricTags} as a {@link MeterFilter} bean, which Spring Boot applies to a registry
 * before its first meter (a filter added later applies to later meters only, with a WARN).
 */
@AutoConfiguration
@ConditionalOnClass(MeterFilter.class)
public class StreamsMetricsAutoConfiguration {

  @Bean
  StoreMetricTags kafkaStreamsStoreMetricTags() {
    return new StoreMetricTags();
  }
}
