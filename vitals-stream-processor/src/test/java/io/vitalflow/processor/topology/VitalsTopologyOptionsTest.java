package io.vitalflow.processor.topology;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vitalflow.processor.ProcessorProperties;
import io.vitalflow.schemas.Topics;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;

class VitalsTopologyOptionsTest {

  @Test
  void topologyOptionsHaveTheDocumentedDefaults() {
    VitalsTopology.Options o = VitalsTopology.Options.defaults();
    assertThat(o.topicPrefix()).isEmpty();
    assertThat(o.grace1m()).isEqualTo(Duration.ofSeconds(30));
    assertThat(o.grace1h()).isEqualTo(Duration.ofMinutes(5));
    assertThat(o.news2MaxAge()).isEqualTo(Duration.ofHours(1));
    assertThat(o.withTopicPrefix("x.").topic(Topics.ALERTS)).isEqualTo("x.alerts.v1");
    assertThatThrownBy(() -> o.withGrace1m(Duration.ofSeconds(-1)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> o.withNews2MaxAge(Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class);
  }

  /**
   * The service passes its settings in; its defaults (ProcessorProperties) are these, not a second
   * set.
   */
  @Test
  void theServiceHasTheSameDefaults() {
    VitalsTopology.Options o = VitalsTopology.Options.defaults();
    ProcessorProperties service =
        new Binder(new MapConfigurationPropertySource(Map.of()))
            .bindOrCreate("vitalflow.processor", ProcessorProperties.class);

    assertThat(service.windowGrace1m()).isEqualTo(o.grace1m());
    assertThat(service.windowGrace1h()).isEqualTo(o.grace1h());
    assertThat(service.clockSkew()).isEqualTo(o.maxFutureSkew()).isEqualTo(Duration.ofSeconds(5));
  }
}
