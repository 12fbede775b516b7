package io.vitalflow.fhir.http;

import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.time.Duration;
import java.util.List;
import java.util.function.Predicate;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * An in-memory span exporter in the server's context ({@code --spring.main.sources=} this class):
 * Spring Boot's OpenTelemetry tracing hands every {@code SpanExporter} bean to its span processor.
 */
@Configuration(proxyBeanMethods = false)
public class CapturedSpans {

  /** The argument that adds this exporter to a server. */
  static final String SOURCE = "--spring.main.sources=" + CapturedSpans.class.getName();

  @Bean
  InMemorySpanExporter inMemorySpanExporter() {
    return InMemorySpanExporter.create();
  }

  /** The first exported span that matches, waiting up to 15 s (export is batched); or null. */
  static SpanData await(InMemorySpanExporter exporter, Predicate<SpanData> wanted) {
    long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
    while (true) {
      List<SpanData> found = exporter.getFinishedSpanItems().stream().filter(wanted).toList();
      if (!found.isEmpty()) {
        return found.get(0);
      }
      if (System.nanoTime() > deadline) {
        return null;
      }
      try {
        Thread.sleep(50);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return null;
      }
    }
  }
}
