package io.vitalflow.ingest.vitals;

import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.time.Duration;
import java.util.List;
import java.util.function.Predicate;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;

/**
 * An in-memory span exporter beside whatever the service configures: Spring Boot's OpenTelemetry
 * tracing hands every {@code SpanExporter} bean to its span processor.
 */
@TestConfiguration(proxyBeanMethods = false)
class SpanCapture {

  @Bean
  InMemorySpanExporter inMemorySpanExporter() {
    return InMemorySpanExporter.create();
  }

  /** The exported spans that match, waiting up to 10 s for at least one (export is batched). */
  static List<SpanData> await(InMemorySpanExporter exporter, Predicate<SpanData> wanted) {
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (true) {
      List<SpanData> found = exporter.getFinishedSpanItems().stream().filter(wanted).toList();
      if (!found.isEmpty() || System.nanoTime() > deadline) {
        return found;
      }
      try {
        Thread.sleep(50);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return found;
      }
    }
  }
}
