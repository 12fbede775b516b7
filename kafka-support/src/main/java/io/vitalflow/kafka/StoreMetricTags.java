package io.vitalflow.kafka;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.config.MeterFilter;
import java.util.ArrayList;
import java.util.List;

/**
 * One set of tag keys for Kafka Streams' state-store meters, whatever the store's kind.
 *
 * <p>Kafka Streams names a store by a tag whose key says the store's kind ({@code
 * in-memory-state-id}, {@code rocksdb-state-id}, {@code rocksdb-window-state-id}, ...), under the
 * same metric names. Prometheus requires one set of tag keys per name, so Micrometer's binder
 * registered the first kind it met and refused the others with a WARN at every start ({@code
 * kafka_stream_state_prefix_scan_rate}): the RocksDB stores' meters were missing. Here every such
 * key becomes {@code state.id} plus {@code store.type} (e.g. {@code rocksdb}, {@code
 * in.memory.window}). A Spring Boot service gets it as a bean ({@link
 * StreamsMetricsAutoConfiguration}), applied before the first meter.
 */
public final class StoreMetricTags implements MeterFilter {

  static final String PREFIX = "kafka.stream.state.";
  private static final String SUFFIX = ".state.id";

  @Override
  public Meter.Id map(Meter.Id id) {
    if (!id.getName().startsWith(PREFIX)) {
      return id;
    }
    List<Tag> tags = new ArrayList<>();
    boolean changed = false;
    for (Tag tag : id.getTagsAsIterable()) {
      String key = tag.getKey();
      if (key.endsWith(SUFFIX)) {
        tags.add(Tag.of("state.id", tag.getValue()));
        tags.add(Tag.of("store.type", key.substring(0, key.length() - SUFFIX.length())));
        changed = true;
      } else {
        tags.add(tag);
      }
    }
    return changed ? id.replaceTags(tags) : id;
  }
}
