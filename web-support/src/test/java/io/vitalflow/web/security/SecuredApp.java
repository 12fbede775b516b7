package io.vitalflow.web.security;

import java.util.ArrayList;
import java.util.List;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.RouterFunctions;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.reactive.function.server.ServerResponse;
import reactor.core.publisher.Mono;

/**
 * A WebFlux service with web-support's resource server: {@code GET /api/whoami} answers with the
 * request's {@link Caller}, {@code GET /open/ping} is a {@link PublicPaths} path. Deliberately not
 * a component (the limits tests scan this package's parent).
 */
@EnableAutoConfiguration
class SecuredApp {

  @Bean
  RouterFunction<ServerResponse> routes() {
    return RouterFunctions.route()
        .GET("/api/whoami", SecuredApp::whoami)
        .GET("/open/whoami", SecuredApp::whoami)
        .GET("/open/ping", request -> ServerResponse.ok().bodyValue("pong"))
        .build();
  }

  /** The request's caller: subject|client|patient|wards|may read Observation. */
  private static Mono<ServerResponse> whoami(ServerRequest request) {
    return Callers.current()
        .flatMap(
            caller ->
                ServerResponse.ok()
                    .bodyValue(
                        caller.subject()
                            + "|"
                            + caller.clientId()
                            + "|"
                            + caller.patient().orElse("-")
                            + "|"
                            + String.join(",", caller.wards().stream().sorted().toList())
                            + "|"
                            + caller.may("Observation", Interaction.READ)));
  }

  @Bean
  PublicPaths openPaths() {
    return PublicPaths.of("/open/**");
  }

  static ConfigurableApplicationContext start(String... settings) {
    List<String> args =
        new ArrayList<>(List.of("--server.port=0", "--spring.main.banner-mode=off"));
    args.addAll(List.of(settings));
    return new SpringApplicationBuilder(SecuredApp.class)
        .properties(
            "management.endpoints.web.exposure.include=health,metrics",
            "spring.config.name=secured-test")
        .run(args.toArray(String[]::new));
  }

  static int port(ConfigurableApplicationContext context) {
    return ((WebServerApplicationContext) context).getWebServer().getPort();
  }
}
