package io.vitalflow.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;
import org.springframework.util.unit.DataSize;

class IngestPropertiesTest {

  @Test
  void defaultsFitTheEmbeddedStack() {
    IngestProperties properties = bind(Map.of());

    assertThat(properties).isEqualTo(IngestProperties.defaults());
    assertThat(properties.bootstrapServers()).isEqualTo("127.0.0.1:9092");
    assertThat(properties.topicPrefix()).isEmpty();
    assertThat(properties.maxBodySize()).isEqualTo(DataSize.ofMegabytes(4));
    assertThat(properties.clockSkew()).isEqualTo(Duration.ofSeconds(5));
    assertThat(properties.maxAge()).isEqualTo(Duration.ofDays(7));
    assertThat(properties.producer()).isEmpty();
  }

  @Test
  void bindsRelaxedNamesAndProducerOverrides() {
    IngestProperties properties = bind(Map.of("vitalflow.ingest.bootstrap-servers", "kafka-1:9093",
        "vitalflow.ingest.topic-prefix", "t1.", "vitalflow.ingest.max-body-size", "1MB",
        "vitalflow.ingest.max-age", "3d", "vitalflow.ingest.producer.[security.protocol]", "SSL"));

    assertThat(properties.bootstrapServers()).isEqualTo("kafka-1:9093");
    assertThat(properties.topicPrefix()).isEqualTo("t1.");
    assertThat(properties.maxBodySize()).isEqualTo(DataSize.ofMegabytes(1));
    assertThat(properties.maxAge()).isEqualTo(Duration.ofDays(3));
    assertThat(properties.producer()).containsEntry("security.protocol", "SSL");
  }

  @Test
  void nonsenseIsRefusedAtStartup() {
    IngestProperties d = IngestProperties.defaults();
    assertThatIllegalArgumentException().isThrownBy(() -> new IngestProperties(" ", "", d.maxBodySize(), 1,
        d.clockSkew(), d.maxAge(), d.deliveryTimeout(), d.retryAfter(), null))
        .withMessageContaining("bootstrap-servers");
    assertThatIllegalArgumentException().isThrownBy(() -> new IngestProperties("k:9092", "bad prefix/",
        d.maxBodySize(), 1, d.clockSkew(), d.maxAge(), d.deliveryTimeout(), d.retryAfter(), null))
        .withMessageContaining("topic-prefix");
    assertThatIllegalArgumentException().isThrownBy(() -> new IngestProperties("k:9092", "", d.maxBodySize(), 0,
        d.clockSkew(), d.maxAge(), d.deliveryTimeout(), d.retryAfter(), null))
        .withMessageContaining("max-batch-size");
    assertThatIllegalArgumentException().isThrownBy(() -> new IngestProperties("k:9092", "", d.maxBodySize(), 1,
        Duration.ofSeconds(-1), d.maxAge(), d.deliveryTimeout(), d.retryAfter(), null))
        .withMessageContaining("clock-skew");
    assertThatIllegalArgumentException().isThrownBy(() -> new IngestProperties("k:9092", "", d.maxBodySize(), 1,
        d.clockSkew(), d.maxAge(), Duration.ofMillis(10), d.retryAfter(), null))
        .withMessageContaining("delivery-timeout");
  }

  private static IngestProperties bind(Map<String, String> values) {
    return new Binder(new MapConfigurationPropertySource(values)).bindOrCreate("vitalflow.ingest",
        IngestProperties.class);
  }
}
