package io.vitalflow.ingest;

import io.vitalflow.web.HttpLimits;
import org.springframework.beans.factory.InitializingBean;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;
import org.springframework.context.annotation.Bean;

/**
 * The ingest gateway: device vital signs in over HTTP, validated, normalised and on Kafka before
 * the client gets an answer. Several VitalFlow services share one JVM under the platform launcher,
 * so this one reads {@code ingest-gateway.yml} (never {@code application.yml}) and scans only
 * {@code io.vitalflow.ingest}.
 */
@SpringBootApplication
@ConfigurationPropertiesScan
public class IngestGatewayApplication {

  /** The configuration file name (without extension) of this service. */
  public static final String CONFIG_NAME = "ingest-gateway";

  /** A builder for this service; add properties or profiles and call {@code run(args)}. */
  public static SpringApplicationBuilder builder() {
    return new SpringApplicationBuilder(IngestGatewayApplication.class)
        .web(WebApplicationType.REACTIVE)
        .properties("spring.config.name=" + CONFIG_NAME);
  }

  public static void main(String[] args) {
    builder().run(args);
  }

  /**
   * A full-size batch must fit the in-flight budget of one client address, or it would always get
   * 503.
   */
  @Bean
  InitializingBean httpLimitsHoldAFullBatch(HttpLimits limits, IngestProperties properties) {
    return () ->
        limits.requireRoomFor(properties.maxBodySize().toBytes(), "vitalflow.ingest.max-body-size");
  }
}
