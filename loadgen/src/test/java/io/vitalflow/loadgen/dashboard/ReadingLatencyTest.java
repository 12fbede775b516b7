package io.vitalflow.loadgen.dashboard;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class ReadingLatencyTest {

  private static final String VITAL =
      "{\"type\":\"vital\",\"seq\":1042,\"patientId\":\"lgd-7\",\"code\":\"8867-4\","
          + "\"value\":128.0,\"unit\":\"/min\",\"effectiveTime\":\"2026-11-27T14:51:25.305Z\",\"deviceId\":\"dashload\"}";
  private static final long MILLIS = Instant.parse("2026-11-27T14:51:25.305Z").toEpochMilli();
  private static final long MS = TimeUnit.MILLISECONDS.toNanos(1);

  @Test
  void parsesTheKeyOfAVitalFrame() {
    assertThat(ReadingLatency.parseVital(VITAL))
        .isEqualTo(new ReadingLatency.VitalKey("lgd-7", "8867-4", MILLIS));
    assertThat(ReadingLatency.parseVital("{\"type\":\"vital\",\"patientId\":\"p\"}")).isNull();
    assertThat(ReadingLatency.parseVital(VITAL.replace("2026-11-27T14:51:25.305Z", "yesterday")))
        .isNull();
  }

  @Test
  void matchesFramesToAcceptedReadings() {
    ReadingLatency latency = new ReadingLatency();
    var key = new ReadingLatency.VitalKey("lgd-7", "8867-4", MILLIS);
    latency.sent(key, 1_000 * MS);
    latency.accepted(key, 1_010 * MS);
    latency.frame(VITAL, 1_050 * MS); // one watcher
    latency.frame(VITAL, 1_110 * MS); // another
    latency.frame(VITAL.replace("lgd-7", "lgd-8"), 1_100 * MS); // not ours
    latency.harvest();
    assertThat(latency.matched()).isEqualTo(2);
    assertThat(latency.unmatched()).isEqualTo(1);
    assertThat(latency.acceptedToFrameMicros().getTotalCount()).isEqualTo(2);
    assertThat(latency.acceptedToFrameMicros().getMinValue()).isBetween(39_900L, 40_100L);
    assertThat(latency.acceptedToFrameMicros().getMaxValue()).isBetween(99_900L, 100_100L);
    assertThat(latency.sentToFrameMicros().getMaxValue()).isBetween(109_900L, 110_100L);
  }

  @Test
  void aFrameBeforeTheGatewaysAnswerCountsAsZero() {
    ReadingLatency latency = new ReadingLatency();
    var key = new ReadingLatency.VitalKey("lgd-7", "8867-4", MILLIS);
    latency.sent(key, 1_000 * MS);
    latency.frame(VITAL, 1_020 * MS);
    latency.accepted(key, 1_030 * MS);
    latency.harvest();
    assertThat(latency.beforeAccepted()).isEqualTo(1);
    assertThat(latency.acceptedToFrameMicros().getMaxValue()).isZero();
    assertThat(latency.sentToFrameMicros().getMaxValue()).isBetween(19_900L, 20_100L);
  }

  @Test
  void rejectedAndExpiredReadingsAreNotMatched() {
    ReadingLatency latency = new ReadingLatency();
    var key = new ReadingLatency.VitalKey("lgd-7", "8867-4", MILLIS);
    latency.sent(key, 1_000 * MS);
    latency.rejected(key);
    latency.frame(VITAL, 1_020 * MS);
    latency.sent(key, 1_000 * MS);
    latency.expire(1_001 * MS);
    latency.frame(VITAL, 1_020 * MS);
    assertThat(latency.matched()).isZero();
    assertThat(latency.unmatched()).isEqualTo(2);
  }

  @Test
  void frameTypesAreReadFromTheFirstBytes() {
    assertThat(type(VITAL)).isEqualTo(FrameTypes.TYPES.indexOf("vital"));
    assertThat(type("{\"type\":\"alert-ack\",\"seq\":1}"))
        .isEqualTo(FrameTypes.TYPES.indexOf("alert-ack"));
    assertThat(type("{\"type\":\"alert\",\"seq\":1}")).isEqualTo(FrameTypes.TYPES.indexOf("alert"));
    assertThat(type("{\"type\":\"heartbeat\",\"seq\":1}"))
        .isEqualTo(FrameTypes.TYPES.indexOf("heartbeat"));
    assertThat(type("{\"seq\":1,\"type\":\"vital\"}")).isEqualTo(FrameTypes.OTHER);
    assertThat(type("not json")).isEqualTo(FrameTypes.OTHER);
    FrameTypes counts = new FrameTypes();
    counts.count(0);
    counts.count(FrameTypes.OTHER);
    assertThat(counts.total()).isEqualTo(2);
    assertThat(counts.snapshot()).containsEntry("vital", 1L).containsEntry("other", 1L);
  }

  private static int type(String json) {
    ByteBuf buffer = Unpooled.copiedBuffer(json, java.nio.charset.StandardCharsets.UTF_8);
    try {
      return FrameTypes.typeOf(buffer);
    } finally {
      buffer.release();
    }
  }

  @Test
  void prometheusHeapIsTheSumOfTheHeapPools() throws Exception {
    String exposition =
        """
        # TYPE jvm_memory_used_bytes gauge
        jvm_memory_used_bytes{area="heap",id="G1 Eden Space"} 1.0E7
        jvm_memory_used_bytes{area="heap",id="G1 Old Gen"} 2.5E7
        jvm_memory_used_bytes{area="nonheap",id="Metaspace"} 9.0E7
        """;
    assertThat(ServerMemory.prometheusHeap(exposition)).isEqualTo(35_000_000L);
  }
}
