package io.vitalflow.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
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
    assertThat(properties.topicPrefix()).isEmpty();
    assertThat(properties.maxBodySize()).isEqualTo(DataSize.ofMegabytes(4));
    assertThat(properties.clockSkew()).isEqualTo(Duration.ofSeconds(5));
    assertThat(properties.maxAge()).isEqualTo(Duration.ofDays(7));
  }

  @Test
  void bindsRelaxedNames() {
    IngestProperties properties =
        bind(
            Map.of(
                "vitalflow.ingest.topic-prefix",
                "t1.",
                "vitalflow.ingest.max-body-size",
                "1MB",
                "vitalflow.ingest.max-age",
                "3d"));

    assertThat(properties.topicPrefix()).isEqualTo("t1.");
    assertThat(properties.maxBodySize()).isEqualTo(DataSize.ofMegabytes(1));
    assertThat(properties.maxAge()).isEqualTo(Duration.ofDays(3));
  }

  @Test
  void bindsDeviceRegistrationsPerClient() {
    IngestProperties properties =
        bind(
            Map.of(
                "vitalflow.ingest.devices.vitalflow-gateway",
                "monitor-*,cuff-1",
                "vitalflow.ingest.devices[ward.b:gateway]",
                "*"));

    assertThat(properties.devices())
        .containsOnly(
            Map.entry("vitalflow-gateway", List.of("monitor-*", "cuff-1")),
            Map.entry("ward.b:gateway", List.of("*")));
    assertThat(IngestProperties.defaults().devices()).isEmpty();
  }

  @Test
  void aDevicePatternWithOtherCharactersIsRefusedAtStartup() {
    assertThatThrownBy(() -> bind(Map.of("vitalflow.ingest.devices.gw", "monitor-[0-9]")))
        .rootCause()
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("vitalflow.ingest.devices.gw")
        .hasMessageContaining("monitor-[0-9]");
  }

  @Test
  void nonsenseIsRefusedAtStartup() {
    IngestProperties d = IngestProperties.defaults();
    assertThatIllegalArgumentException()
        .isThrownBy(
            () ->
                new IngestProperties(
                    "bad prefix/",
                    d.maxBodySize(),
                    1,
                    d.clockSkew(),
                    d.maxAge(),
                    d.deliveryTimeout(),
                    d.retryAfter(),
                    Map.of()))
        .withMessageContaining("topic-prefix");
    assertThatIllegalArgumentException()
        .isThrownBy(
            () ->
                new IngestProperties(
                    "",
                    d.maxBodySize(),
                    0,
                    d.clockSkew(),
                    d.maxAge(),
                    d.deliveryTimeout(),
                    d.retryAfter(),
                    Map.of()))
        .withMessageContaining("max-batch-size");
    assertThatIllegalArgumentException()
        .isThrownBy(
            () ->
                new IngestProperties(
                    "",
                    d.maxBodySize(),
                    1,
                    Duration.ofSeconds(-1),
                    d.maxAge(),
                    d.deliveryTimeout(),
                    d.retryAfter(),
                    Map.of()))
        .withMessageContaining("clock-skew");
    assertThatIllegalArgumentException()
        .isThrownBy(
            () ->
                new IngestProperties(
                    "",
                    d.maxBodySize(),
                    1,
                    d.clockSkew(),
                    d.maxAge(),
                    Duration.ofMillis(10),
                    d.retryAfter(),
                    Map.of()))
        .withMessageContaining("delivery-timeout");
  }

  private static IngestProperties bind(Map<String, String> values) {
    return new Binder(new MapConfigurationPropertySource(values))
        .bindOrCreate("vitalflow.ingest", IngestProperties.class);
  }
}
