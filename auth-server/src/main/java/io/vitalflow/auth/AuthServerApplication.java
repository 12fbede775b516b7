package io.vitalflow.auth;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.autoconfigure.context.ConfigurationPropertiesAutoConfiguration;
import org.springframework.boot.autoconfigure.context.PropertyPlaceholderAutoConfiguration;
import org.springframework.boot.autoconfigure.ssl.SslAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.http.converter.autoconfigure.HttpMessageConvertersAutoConfiguration;
import org.springframework.boot.security.autoconfigure.SecurityAutoConfiguration;
import org.springframework.boot.security.autoconfigure.web.servlet.SecurityFilterAutoConfiguration;
import org.springframework.boot.tomcat.autoconfigure.servlet.TomcatServletWebServerAutoConfiguration;
import org.springframework.boot.webmvc.autoconfigure.DispatcherServletAutoConfiguration;
import org.springframework.boot.webmvc.autoconfigure.WebMvcAutoConfiguration;
import org.springframework.boot.webmvc.autoconfigure.error.ErrorMvcAutoConfiguration;
import org.springframework.context.annotation.Import;

/**
 * The local identity provider: Spring Authorization Server with VitalFlow's development clients and
 * users (docs/security.md "Local authorization server").
 *
 * <p>It runs in the platform launcher's JVM next to the WebFlux services, whose class path carries
 * Kafka, JDBC, R2DBC and Flyway: so it imports only the auto-configurations it needs (Tomcat,
 * Spring MVC, Spring Security) instead of all of them, reads {@code auth-server.yml}, and is a
 * servlet application whatever else is on the class path.
 */
@SpringBootConfiguration
@EnableConfigurationProperties(AuthServerSettings.class)
@Import({AuthorizationServerConfig.class, ServerUrl.class, NoReactorContextHook.class})
@ImportAutoConfiguration({
  PropertyPlaceholderAutoConfiguration.class,
  ConfigurationPropertiesAutoConfiguration.class,
  SslAutoConfiguration.class,
  TomcatServletWebServerAutoConfiguration.class,
  DispatcherServletAutoConfiguration.class,
  HttpMessageConvertersAutoConfiguration.class,
  WebMvcAutoConfiguration.class,
  ErrorMvcAutoConfiguration.class,
  SecurityAutoConfiguration.class,
  SecurityFilterAutoConfiguration.class
})
public class AuthServerApplication {

  /** The configuration file name (without extension) of this service. */
  public static final String CONFIG_NAME = "auth-server";

  /** A builder for this service; add properties and call {@code run(args)}. */
  public static SpringApplicationBuilder builder() {
    return new SpringApplicationBuilder(AuthServerApplication.class)
        .web(WebApplicationType.SERVLET)
        .properties("spring.config.name=" + CONFIG_NAME);
  }

  public static void main(String[] args) {
    builder().run(args);
  }
}
