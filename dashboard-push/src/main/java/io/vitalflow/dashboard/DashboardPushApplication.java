package io.vitalflow.dashboard;

import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

/**
 * Live dashboards: consumes the derived topics itself and pushes them to its own WebSocket and SSE
 * connections. Several VitalFlow services share one JVM under the platform launcher, so this one
 * reads {@code dashboard-push.yml} (never {@code application.yml}) and scans only {@code
 * io.vitalflow.dashboard}.
 */
@SpringBootApplication
@ConfigurationPropertiesScan
public class DashboardPushApplication {

  /** The configuration file name (without extension) of this service. */
  public static final String CONFIG_NAME = "dashboard-push";

  /** A builder for this service; add properties or initializers and call {@code run(args)}. */
  public static SpringApplicationBuilder builder() {
    return new SpringApplicationBuilder(DashboardPushApplication.class)
        .web(WebApplicationType.REACTIVE)
        .properties("spring.config.name=" + CONFIG_NAME);
  }

  public static void main(String[] args) {
    builder().run(args);
  }
}
