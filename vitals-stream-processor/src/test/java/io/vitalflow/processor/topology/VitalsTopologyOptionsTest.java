package io.vitalflow.processor.topology;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;

import org.junit.jupiter.api.Test;

import io.vitalflow.schemas.Topics;

class VitalsTopologyOptionsTest {

  @Test
  void topologyOptionsHaveTheDocumentedDefaults() {
    VitalsTopology.Options o = VitalsTopology.Options.defaults();
    assertThat(o.topicPrefix()).isEmpty();
    assertThat(o.grace1m()).isEqualTo(Duration.ofSeconds(30));
    assertThat(o.grace1h()).isEqualTo(Duration.ofMinutes(5));
    assertThat(o.news2MaxAge()).isEqualTo(Duration.ofHours(1));
    assertThat(o.withTopicPrefix("x.").topic(Topics.ALERTS)).isEqualTo("x.alerts.v1");
    assertThatThrownBy(() -> o.withGrace1m(Duration.ofSeconds(-1))).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> o.withNews2MaxAge(Duration.ZERO)).isInstanceOf(IllegalArgumentException.class);
  }
}
