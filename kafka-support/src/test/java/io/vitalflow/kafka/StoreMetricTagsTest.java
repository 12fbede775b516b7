package io.vitalflow.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.context.annotation.ImportCandidates;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

class StoreMetricTagsTest {

  @Test
  void storesOfEveryKindAreScrapedUnderOneSetOfTagKeys() {
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    registry.config().meterFilter(new StoreMetricTags());
    gauge(registry, "in.memory.state.id", "alerts-store");
    gauge(registry, "rocksdb.state.id", "news2-state-store");
    gauge(registry, "rocksdb.window.state.id", "vitals-agg-1m-store");

    String scrape = registry.scrape();

    assertThat(scrape)
        .contains("state_id=\"alerts-store\",store_type=\"in.memory\"")
        .contains("state_id=\"news2-state-store\",store_type=\"rocksdb\"")
        .contains("state_id=\"vitals-agg-1m-store\",store_type=\"rocksdb.window\"");
    assertThat(registry.find("kafka.stream.state.prefix.scan.rate").gauges()).hasSize(3);
  }

  @Test
  void everySpringBootServiceGetsTheFilterAsABean() {
    assertThat(
            ImportCandidates.load(AutoConfiguration.class, getClass().getClassLoader())
                .getCandidates())
        .contains(StreamsMetricsAutoConfiguration.class.getName());
    new ApplicationContextRunner()
        .withConfiguration(AutoConfigurations.of(StreamsMetricsAutoConfiguration.class))
        .run(context -> assertThat(context).hasSingleBean(StoreMetricTags.class));
  }

  @Test
  void otherMetersKeepTheirTags() {
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    registry.config().meterFilter(new StoreMetricTags());
    Gauge.builder("kafka.stream.thread.commit.rate", () -> 1.0)
        .tag("thread.id", "t-1")
        .register(registry);
    assertThat(registry.get("kafka.stream.thread.commit.rate").gauge().getId().getTags())
        .extracting(t -> t.getKey())
        .containsExactly("thread.id");
  }

  private static void gauge(PrometheusMeterRegistry registry, String key, String store) {
    Gauge.builder("kafka.stream.state.prefix.scan.rate", () -> 0.0)
        .tag("kafka.version", "4.1.2")
        .tag(key, store)
        .tag("task.id", "0_1")
        .tag("thread.id", "t-1")
        .register(registry);
  }
}
