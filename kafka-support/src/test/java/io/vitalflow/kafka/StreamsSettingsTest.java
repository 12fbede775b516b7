package io.vitalflow.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Properties;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.Test;

class StreamsSettingsTest {

  private static final Path STATE = Path.of("/var/lib/vitalflow/streams");

  @Test
  void defaultsAreExactlyOnceWithTwoThreadsShortCommitsAndLz4() {
    Properties p = StreamsSettings.properties("vitals", "broker:9092", STATE, 3);

    assertThat(p)
        .containsEntry(StreamsConfig.APPLICATION_ID_CONFIG, "vitals")
        .containsEntry(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "broker:9092")
        .containsEntry(StreamsConfig.STATE_DIR_CONFIG, STATE.toString())
        .containsEntry(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, "exactly_once_v2")
        .containsEntry(StreamsConfig.NUM_STREAM_THREADS_CONFIG, "2")
        .containsEntry(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, "200")
        .containsEntry(StreamsConfig.REPLICATION_FACTOR_CONFIG, "3")
        .containsEntry(StreamsConfig.STATESTORE_CACHE_MAX_BYTES_CONFIG, Long.toString(16L << 20))
        .containsEntry("producer.compression.type", "lz4")
        .containsEntry("__state.updater.enabled__", "false");
    StreamsConfig config = new StreamsConfig(p);
    assertThat(config.getProducerConfigs("c").get("compression.type")).isEqualTo("lz4");
    assertThat(config.getLong(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG)).isEqualTo(200L);
  }

  @Test
  void optionsOverrideTheDefaults() {
    Properties p =
        StreamsSettings.properties(
            StreamsSettings.Options.of("vitals", STATE)
                .withStreamThreads(4)
                .withCommitInterval(Duration.ofMillis(50))
                .withCacheMaxBytes(0),
            KafkaClients.of("b:9092"));

    assertThat(p)
        .containsEntry(StreamsConfig.NUM_STREAM_THREADS_CONFIG, "4")
        .containsEntry(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, "50")
        .containsEntry(StreamsConfig.STATESTORE_CACHE_MAX_BYTES_CONFIG, "0")
        .containsEntry(StreamsConfig.REPLICATION_FACTOR_CONFIG, "-1");
  }

  @Test
  void nonsenseIsRefused() {
    StreamsSettings.Options ok = StreamsSettings.Options.of("vitals", STATE);
    assertThatThrownBy(() -> ok.withReplicationFactor(0))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> ok.withStreamThreads(0)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> ok.withCommitInterval(Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> StreamsSettings.Options.of(" ", STATE))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
