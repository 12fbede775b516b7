package io.vitalflow.web;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * A small WebFlux service with the limits, on a random port: {@code GET /api/hello}, {@code POST
 * /api/upload}.
 */
@SpringBootApplication
class LimitsTestApp {

  @RestController
  static class Endpoints {

    @GetMapping("/api/hello")
    String hello() {
      return "hello";
    }

    /** A stream that lives for 3 s, longer than any timeout the tests set. */
    @GetMapping(path = "/api/stream", produces = "text/event-stream")
    Flux<String> stream() {
      return Flux.interval(Duration.ofMillis(200)).take(15).map(tick -> "tick " + tick);
    }

    /** Holds the whole body in memory, as the ingest gateway does, and answers with its size. */
    @PostMapping("/api/upload")
    Mono<String> upload(ServerHttpRequest request) {
      return DataBufferUtils.join(request.getBody(), 16 * 1024 * 1024)
          .map(
              buffer -> {
                int size = buffer.readableByteCount();
                DataBufferUtils.release(buffer);
                return Integer.toString(size);
              })
          .defaultIfEmpty("0");
    }
  }

  static ConfigurableApplicationContext start(String... settings) {
    List<String> args =
        new ArrayList<>(
            List.of(
                "--server.port=0", "--spring.main.banner-mode=off", "--server.address=127.0.0.1"));
    args.addAll(List.of(settings));
    return new SpringApplicationBuilder(LimitsTestApp.class)
        .properties("spring.config.name=limits-test")
        .run(args.toArray(String[]::new));
  }

  static int port(ConfigurableApplicationContext context) {
    return ((WebServerApplicationContext) context).getWebServer().getPort();
  }
}
