package io.vitalflow.processor.news2;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vitalflow.schemas.RiskBand;
import java.util.Map;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Serde;
import org.junit.jupiter.api.Test;

class News2StateTest {

  private final Serde<News2State> serde = News2State.serde();

  @Test
  void roundTripsThroughTheChangelogFormat() {
    News2State state =
        News2State.EMPTY
            .with(Parameter.PULSE, new News2State.Reading(72.5, 1_000L))
            .with(Parameter.TEMPERATURE, new News2State.Reading(37.1, 2_000L))
            .withEmitted(
                new News2.Result(
                    4, RiskBand.LOW_MEDIUM, Map.of("8867-4", 0, "consciousness", 3), false));

    assertThat(roundTrip(state)).isEqualTo(state);
    assertThat(roundTrip(News2State.EMPTY)).isEqualTo(News2State.EMPTY);
  }

  @Test
  void refusesAnUnknownVersion() {
    assertThatThrownBy(() -> serde.deserializer().deserialize("t", new byte[] {9, 0, 0}))
        .isInstanceOf(SerializationException.class);
  }

  @Test
  void aLaterReadingSupersedesAndTiesGoToTheLargerValue() {
    News2State.Reading r = new News2State.Reading(80, 1_000L);
    assertThat(new News2State.Reading(70, 1_001L).supersedes(r)).isTrue();
    assertThat(new News2State.Reading(90, 999L).supersedes(r)).isFalse();
    assertThat(new News2State.Reading(81, 1_000L).supersedes(r)).isTrue();
    assertThat(new News2State.Reading(79, 1_000L).supersedes(r)).isFalse();
    assertThat(r.supersedes(r)).isFalse();
    assertThat(r.supersedes(null)).isTrue();
  }

  private News2State roundTrip(News2State state) {
    return serde.deserializer().deserialize("t", serde.serializer().serialize("t", state));
  }
}
