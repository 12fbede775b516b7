package io.vitalflow.processor;

import java.time.Clock;
import java.time.Duration;

import javax.sql.DataSource;

import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;

import io.micrometer.core.instrument.MeterRegistry;
import io.vitalflow.infra.postgres.Migrations;
import io.vitalflow.infra.postgres.PartitionMaintenance;
import io.vitalflow.infra.postgres.PostgresCoordinates;
import io.vitalflow.processor.sink.SinkSettings;
import io.vitalflow.processor.sink.VitalsSink;

/** Kafka Streams (aggregates, NEWS2, dead letters) and the PostgreSQL sink, in one service. */
@SpringBootApplication
@EnableConfigurationProperties(ProcessorProperties.class)
public class VitalsProcessorApplication {

  /** Several services share one JVM in the local platform, so each reads its own config file. */
  public static SpringApplicationBuilder builder() {
    return new SpringApplicationBuilder(VitalsProcessorApplication.class)
        .properties("spring.config.name=vitals-stream-processor");
  }

  public static void main(String[] args) {
    builder().run(args);
  }

  @Bean
  DataSource sinkDataSource(ProcessorProperties properties) {
    DataSource dataSource = PostgresCoordinates
        .fromJdbcUrl(properties.jdbcUrl(), properties.jdbcUser(), properties.jdbcPassword()).dataSource();
    Migrations.migrate(dataSource);
    return dataSource;
  }

  @Bean
  PartitionMaintenance partitionMaintenance(DataSource dataSource, ProcessorProperties properties) {
    return new PartitionMaintenance(dataSource, properties.maxReadingAge(), Duration.ofDays(3),
        properties.retention(), Clock.systemUTC());
  }

  @Bean(destroyMethod = "close")
  VitalsSink vitalsSink(ProcessorProperties properties, DataSource dataSource, MeterRegistry meters,
      PartitionMaintenance maintenance) {
    maintenance.run();
    VitalsSink sink = new VitalsSink(properties.kafkaBootstrap(), dataSource,
        new SinkSettings(properties.applicationId() + "-sink", properties.topicPrefix(), properties.sinkBatchRecords(),
            properties.sinkLinger(), properties.sinkThreads()), meters);
    sink.start();
    return sink;
  }
}
