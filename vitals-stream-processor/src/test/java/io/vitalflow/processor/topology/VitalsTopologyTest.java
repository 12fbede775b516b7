package io.vitalflow.processor.topology;

import static io.vitalflow.processor.topology.Readings.reading;
import static org.assertj.core.api.Assertions.assertThat;

import io.vitalflow.schemas.Loinc;
import io.vitalflow.schemas.Topics;
import io.vitalflow.schemas.VitalAggregate;
import io.vitalflow.schemas.VitalSign;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.WindowStoreIterator;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class VitalsTopologyTest {

  private static final Instant T0 = Instant.parse("2026-03-01T10:00:00Z");
  private static final String HR = Loinc.HEART_RATE;

  private final TopologyFixture fixture = new TopologyFixture();

  @AfterEach
  void close() {
    fixture.close();
  }

  @Test
  void oneMinuteAggregateIsEmittedOnEveryUpdate() {
    fixture.pipe(reading("p1", HR, 70, T0.plusSeconds(5)));
    fixture.pipe(reading("p1", HR, 80, T0.plusSeconds(20)));
    fixture.pipe(reading("p1", HR, 75, T0.plusSeconds(40)));

    List<KeyValue<String, VitalAggregate>> updates = fixture.aggregates1m().readKeyValuesToList();
    assertThat(updates).extracting(kv -> kv.key).containsOnly("p1");
    assertThat(updates).extracting(kv -> kv.value.getCount()).containsExactly(1L, 2L, 3L);
    VitalAggregate last = updates.get(2).value;
    assertThat(last.getPatientId()).isEqualTo("p1");
    assertThat(last.getCode()).isEqualTo(HR);
    assertThat(last.getUnit()).isEqualTo("/min");
    assertThat(last.getWindowStart()).isEqualTo(T0);
    assertThat(last.getWindowEnd()).isEqualTo(T0.plusSeconds(60));
    assertThat(last.getMin()).isEqualTo(70);
    assertThat(last.getMax()).isEqualTo(80);
    assertThat(last.getSum()).isEqualTo(225);
    assertThat(last.getMean()).isEqualTo(75);
    assertThat(last.getLast()).isEqualTo(75);
    assertThat(last.getLastTime()).isEqualTo(T0.plusSeconds(40));
  }

  @Test
  void aggregateRecordIsTimestampedWithItsLatestReading() {
    fixture.pipe(reading("p1", HR, 70, T0.plusSeconds(30)));
    fixture.pipe(reading("p1", HR, 71, T0.plusSeconds(10)));

    List<TestRecord<String, VitalAggregate>> records = fixture.aggregates1m().readRecordsToList();
    assertThat(records)
        .extracting(TestRecord::getRecordTime)
        .containsExactly(T0.plusSeconds(30), T0.plusSeconds(30));
    assertThat(records.get(1).value().getLast()).isEqualTo(70);
  }

  @Test
  void eachPatientAndCodeHasItsOwnWindows() {
    fixture.pipe(reading("p1", HR, 70, T0.plusSeconds(1)));
    fixture.pipe(reading("p1", Loinc.SPO2, 97, T0.plusSeconds(2)));
    fixture.pipe(reading("p2", HR, 100, T0.plusSeconds(3)));
    fixture.pipe(reading("p1", HR, 72, T0.plusSeconds(61)));

    List<KeyValue<String, VitalAggregate>> updates = fixture.aggregates1m().readKeyValuesToList();
    assertThat(updates)
        .extracting(
            kv ->
                kv.key
                    + " "
                    + kv.value.getCode()
                    + " "
                    + kv.value.getWindowStart()
                    + " "
                    + kv.value.getCount()
                    + " "
                    + kv.value.getMean())
        .containsExactly(
            "p1 8867-4 " + T0 + " 1 70.0",
            "p1 59408-5 " + T0 + " 1 97.0",
            "p2 8867-4 " + T0 + " 1 100.0",
            "p1 8867-4 " + T0.plusSeconds(60) + " 1 72.0");
  }

  @Test
  void lateReadingWithinGraceIsCounted() {
    fixture.pipe(reading("p1", HR, 70, T0.plusSeconds(10)));
    fixture.pipe(
        reading(
            "p1",
            HR,
            90,
            T0.plusSeconds(89))); // stream time 10:01:29, window 10:00 closes at 10:01:30
    fixture.pipe(reading("p1", HR, 80, T0.plusSeconds(50)));

    List<VitalAggregate> updates = fixture.aggregates1m().readValuesToList();
    assertThat(updates).hasSize(3);
    VitalAggregate late = updates.get(2);
    assertThat(late.getWindowStart()).isEqualTo(T0);
    assertThat(late.getCount()).isEqualTo(2);
    assertThat(late.getMean()).isEqualTo(75);
    assertThat(late.getLast()).isEqualTo(80);
    assertThat(late.getLastTime()).isEqualTo(T0.plusSeconds(50));
  }

  @Test
  void readingAfterGraceIsDroppedFromItsMinuteButCountedInItsHour() {
    fixture.pipe(reading("p1", HR, 70, T0.plusSeconds(10)));
    fixture.pipe(
        reading("p1", HR, 90, T0.plusSeconds(90))); // stream time reaches 10:01:00 + 30 s grace
    fixture.pipe(reading("p1", HR, 80, T0.plusSeconds(50)));

    assertThat(fixture.aggregates1m().readValuesToList())
        .extracting(VitalAggregate::getWindowStart)
        .containsExactly(T0, T0.plusSeconds(60));
    assertThat(storedMinute("p1", HR, T0).getCount()).isEqualTo(1);
    List<VitalAggregate> hours = fixture.aggregates1h().readValuesToList();
    assertThat(hours).extracting(VitalAggregate::getCount).containsExactly(1L, 2L, 3L);
    assertThat(hours.get(2).getMean()).isEqualTo(80);
  }

  @Test
  void hourWindowsSplitAtTheHourAndKeepFiveMinutesOfGrace() {
    Instant eleven = T0.plusSeconds(3600);
    fixture.pipe(reading("p1", HR, 60, eleven.minusSeconds(10)));
    fixture.pipe(reading("p1", HR, 62, eleven.plusSeconds(10)));
    fixture.pipe(reading("p1", HR, 64, eleven.plusSeconds(299)));
    fixture.pipe(
        reading("p1", HR, 66, T0.plusSeconds(1800))); // 4 min 59 s after the window end: counted
    fixture.pipe(reading("p1", HR, 68, eleven.plusSeconds(300)));
    fixture.pipe(reading("p1", HR, 70, T0.plusSeconds(1801))); // 5 min after: dropped

    List<VitalAggregate> hours = fixture.aggregates1h().readValuesToList();
    assertThat(hours)
        .extracting(a -> a.getWindowStart() + "-" + a.getWindowEnd() + " n=" + a.getCount())
        .containsExactly(
            T0 + "-" + eleven + " n=1",
            eleven + "-" + eleven.plusSeconds(3600) + " n=1",
            eleven + "-" + eleven.plusSeconds(3600) + " n=2",
            T0 + "-" + eleven + " n=2",
            eleven + "-" + eleven.plusSeconds(3600) + " n=3");
    VitalAggregate tenOClock = hours.get(3);
    assertThat(tenOClock.getMin()).isEqualTo(60);
    assertThat(tenOClock.getMax()).isEqualTo(66);
    assertThat(tenOClock.getLast()).isEqualTo(60); // 10:59:50 is later than 10:30:00
  }

  @Test
  void aReadingSentAgainIsCountedOnceInItsMinuteAndItsHour() {
    VitalSign original = reading("p1", HR, 70, T0.plusSeconds(5));
    fixture.pipe(original);
    fixture.pipe(reading("p1", HR, 80, T0.plusSeconds(20)));
    // the device re-posts after a 503: same reading, a new record (later offset, new receipt)
    VitalSign again = VitalSign.newBuilder(original).setReceivedTime(T0.plusSeconds(25)).build();
    fixture.pipe(again);
    fixture.pipe(reading("p1", HR, 90, T0.plusSeconds(30)));

    assertThat(fixture.aggregates1m().readValuesToList())
        .extracting(VitalAggregate::getCount)
        .containsExactly(1L, 2L, 3L);
    List<VitalAggregate> hours = fixture.aggregates1h().readValuesToList();
    assertThat(hours).extracting(VitalAggregate::getCount).containsExactly(1L, 2L, 3L);
    for (VitalAggregate window : List.of(storedMinute("p1", HR, T0), hours.get(2))) {
      assertThat(window.getCount()).isEqualTo(3);
      assertThat(window.getSum()).isEqualTo(240);
      assertThat(window.getMean()).isEqualTo(80);
    }
    assertThat(storedHour("p1", HR, T0).getCount()).isEqualTo(3);
  }

  @Test
  void differentReadingsWithTheSameValueAndTimeAreEachCounted() {
    VitalSign monitor = reading("p1", HR, 70, T0.plusSeconds(5));
    VitalSign oximeter =
        VitalSign.newBuilder(monitor).setReadingId("ox-7").setDeviceId("oximeter-2").build();
    VitalSign otherPatient = VitalSign.newBuilder(monitor).setPatientId("p2").build();
    VitalSign otherCode =
        VitalSign.newBuilder(monitor).setCode(Loinc.RESPIRATORY_RATE).setValue(16).build();
    fixture.pipeAll(List.of(monitor, oximeter, otherPatient, otherCode));

    assertThat(fixture.aggregates1m().readValuesToList())
        .extracting(a -> a.getPatientId() + " " + a.getCode() + " n=" + a.getCount())
        .containsExactly("p1 8867-4 n=1", "p1 8867-4 n=2", "p2 8867-4 n=1", "p1 9279-1 n=1");
    assertThat(fixture.aggregates1h().readValuesToList())
        .extracting(a -> a.getPatientId() + " " + a.getCode() + " n=" + a.getCount())
        .containsExactly("p1 8867-4 n=1", "p1 8867-4 n=2", "p2 8867-4 n=1", "p1 9279-1 n=1");
  }

  @Test
  void theSameReadingIdAtAnotherEffectiveTimeIsAnotherReading() {
    VitalSign first = reading("p1", HR, 70, T0.plusSeconds(5));
    fixture.pipe(first);
    fixture.pipe(VitalSign.newBuilder(first).setEffectiveTime(T0.plusMillis(5001)).build());

    assertThat(storedMinute("p1", HR, T0).getCount()).isEqualTo(2);
    assertThat(storedHour("p1", HR, T0).getCount()).isEqualTo(2);
  }

  @Test
  void aReadingSentAgainAfterItsMinuteClosedIsStillCountedOnceInItsHour() {
    VitalSign original = reading("p1", HR, 70, T0.plusSeconds(50));
    fixture.pipe(original);
    fixture.pipe(reading("p1", HR, 80, T0.plusSeconds(95))); // the 10:00 minute has closed
    fixture.pipe(VitalSign.newBuilder(original).setReceivedTime(T0.plusSeconds(96)).build());
    // too late for its minute too, new: counted in the hour only, and remembered for it
    VitalSign late = reading("p1", HR, 60, T0.plusSeconds(40));
    fixture.pipe(late);
    fixture.pipe(VitalSign.newBuilder(late).setReceivedTime(T0.plusSeconds(97)).build());

    assertThat(fixture.aggregates1m().readValuesToList())
        .extracting(a -> a.getWindowStart() + " n=" + a.getCount())
        .containsExactly(T0 + " n=1", T0.plusSeconds(60) + " n=1");
    assertThat(fixture.aggregates1h().readValuesToList())
        .extracting(VitalAggregate::getCount)
        .containsExactly(1L, 2L, 3L);
    assertThat(storedMinute("p1", HR, T0).getCount()).isEqualTo(1);
    assertThat(storedHour("p1", HR, T0).getSum()).isEqualTo(210);
  }

  @Test
  void windowStoreHoldsEveryWindowOfASeries() {
    fixture.pipe(reading("p1", HR, 70, T0.plusSeconds(10)));
    fixture.pipe(reading("p1", HR, 74, T0.plusSeconds(20)));
    fixture.pipe(reading("p1", HR, 90, T0.plusSeconds(70)));
    fixture.pipe(reading("p2", HR, 50, T0.plusSeconds(15)));

    try (WindowStoreIterator<WindowState> it =
        fixture
            .windowStore(VitalsTopology.STORE_AGG_1M)
            .fetch(WindowAggregator.storeKey("p1", HR), T0, T0.plusSeconds(3600))) {
      List<KeyValue<Long, VitalAggregate>> windows = new ArrayList<>();
      it.forEachRemaining(kv -> windows.add(KeyValue.pair(kv.key, kv.value.aggregate())));
      assertThat(windows)
          .extracting(kv -> kv.key)
          .containsExactly(T0.toEpochMilli(), T0.plusSeconds(60).toEpochMilli());
      assertThat(windows.get(0).value.getCount()).isEqualTo(2);
      assertThat(windows.get(0).value.getMean()).isEqualTo(72);
      assertThat(windows.get(1).value.getCount()).isEqualTo(1);
    }
    assertThat(
            fixture
                .windowStore(VitalsTopology.STORE_AGG_1H)
                .fetch(WindowAggregator.storeKey("p1", HR), T0.toEpochMilli())
                .aggregate()
                .getCount())
        .isEqualTo(3);
  }

  @Test
  void poisonPillIsDeadLetteredWithItsBytesAndHeadersAndTheNextReadingStillCounts() {
    byte[] key = "p1".getBytes(StandardCharsets.UTF_8);
    byte[] poison = {(byte) 0xC3, 0x01, 1, 2, 3, 4, 5, 6, 7, 8, 42};
    RecordHeaders headers = new RecordHeaders();
    headers.add("traceparent", "00-abc-01".getBytes(StandardCharsets.UTF_8));
    fixture.pipeRaw(key, poison, headers, T0);
    fixture.pipe(reading("p1", HR, 70, T0.plusSeconds(1)));

    List<TestRecord<byte[], byte[]>> dead = fixture.deadLetters().readRecordsToList();
    assertThat(dead).hasSize(1);
    TestRecord<byte[], byte[]> letter = dead.get(0);
    assertThat(letter.key()).isEqualTo(key);
    assertThat(letter.value()).isEqualTo(poison);
    assertThat(header(letter, "traceparent")).isEqualTo("00-abc-01");
    assertThat(header(letter, "vitalflow.error")).startsWith("Cannot decode VitalSign");
    assertThat(header(letter, "vitalflow.source")).isEqualTo("t.vitals.raw.v1-0@0");
    assertThat(letter.getRecordTime()).isEqualTo(TopologyFixture.WALL_CLOCK);

    assertThat(fixture.aggregates1m().readValuesToList())
        .extracting(VitalAggregate::getCount)
        .containsExactly(1L);
    assertThat(fixture.aggregates1h().readValuesToList()).hasSize(1);
    assertThat(fixture.news2().readValuesToList()).hasSize(1);
  }

  @Test
  void unusableRecordsAreDeadLetteredWithTheReason() {
    byte[] key = "p1".getBytes(StandardCharsets.UTF_8);
    fixture.pipeRaw(key, null, new RecordHeaders(), T0);
    pipeWithKey(key, withCode(reading("p1", HR, 1, T0), "0000-0"));
    pipeWithKey(key, reading("p1", HR, Double.NaN, T0));
    pipeWithKey(key, withUnit(reading("p1", Loinc.BODY_TEMPERATURE, 98.6, T0), "[degF]"));
    pipeWithKey(key, reading("p2", HR, 70, T0));
    pipeWithKey(null, reading("p1", HR, 70, T0));
    VitalSign future = reading("p1", HR, 70, T0.plusSeconds(3600));
    future.setReceivedTime(T0);
    pipeWithKey(key, future);

    List<TestRecord<byte[], byte[]>> dead = fixture.deadLetters().readRecordsToList();
    assertThat(dead)
        .extracting(r -> header(r, "vitalflow.error"))
        .satisfiesExactly(
            e -> assertThat(e).contains("null value"),
            e -> assertThat(e).contains("unknown LOINC code '0000-0'"),
            e -> assertThat(e).contains("not a finite number"),
            e -> assertThat(e).contains("'[degF]' is not the canonical unit 'Cel'"),
            e -> assertThat(e).contains("record key is not the patientId"),
            e -> assertThat(e).contains("record key is not the patientId"),
            e -> assertThat(e).contains("effectiveTime more than 5000 ms after receivedTime"));
    assertThat(dead)
        .extracting(r -> header(r, "vitalflow.source"))
        .containsExactly(
            "t.vitals.raw.v1-0@0",
            "t.vitals.raw.v1-0@1",
            "t.vitals.raw.v1-0@2",
            "t.vitals.raw.v1-0@3",
            "t.vitals.raw.v1-0@4",
            "t.vitals.raw.v1-0@5",
            "t.vitals.raw.v1-0@6");
    assertThat(dead.get(0).value()).isNull();
    assertThat(dead.get(5).key()).isNull();
    assertThat(fixture.aggregates1m().isEmpty()).isTrue();
    assertThat(fixture.aggregates1h().isEmpty()).isTrue();
    assertThat(fixture.news2().isEmpty()).isTrue();
  }

  @Test
  void poisonPillDoesNotMoveStreamTime() {
    fixture.pipe(reading("p1", HR, 70, T0.plusSeconds(10)));
    fixture.pipeRaw(
        "p1".getBytes(StandardCharsets.UTF_8),
        new byte[] {1, 2, 3},
        new RecordHeaders(),
        T0.plusSeconds(86_400));
    fixture.pipe(reading("p1", HR, 80, T0.plusSeconds(20)));

    assertThat(fixture.deadLetters().getQueueSize()).isEqualTo(1);
    assertThat(fixture.aggregates1m().readValuesToList())
        .extracting(VitalAggregate::getCount)
        .containsExactly(1L, 2L);
  }

  @Test
  void noRepartitionTopicAndEveryStoreIsPersistentWithAChangelog() {
    String description =
        new VitalsTopology(VitalsTopology.Options.defaults()).build().describe().toString();
    assertThat(description).doesNotContain("repartition");

    fixture.pipe(reading("p1", HR, 70, T0));
    assertThat(fixture.windowStore(VitalsTopology.STORE_AGG_1M).persistent()).isTrue();
    assertThat(fixture.windowStore(VitalsTopology.STORE_AGG_1H).persistent()).isTrue();
    assertThat(fixture.driver().getKeyValueStore(VitalsTopology.STORE_NEWS2).persistent()).isTrue();
    for (String store :
        List.of(
            VitalsTopology.STORE_AGG_1M, VitalsTopology.STORE_AGG_1H, VitalsTopology.STORE_NEWS2)) {
      assertThat(fixture.driver().producedTopicNames())
          .contains(TopologyFixture.APP_ID + "-" + store + "-changelog");
    }
  }

  private VitalAggregate storedMinute(String patient, String code, Instant windowStart) {
    return fixture
        .windowStore(VitalsTopology.STORE_AGG_1M)
        .fetch(WindowAggregator.storeKey(patient, code), windowStart.toEpochMilli())
        .aggregate();
  }

  private VitalAggregate storedHour(String patient, String code, Instant windowStart) {
    return fixture
        .windowStore(VitalsTopology.STORE_AGG_1H)
        .fetch(WindowAggregator.storeKey(patient, code), windowStart.toEpochMilli())
        .aggregate();
  }

  private void pipeWithKey(byte[] key, VitalSign reading) {
    fixture.pipeRaw(
        key,
        Topics.VITALS_RAW.valueSerde().serializer().serialize("", reading),
        new RecordHeaders(),
        T0);
  }

  private static VitalSign withCode(VitalSign reading, String code) {
    reading.setCode(code);
    return reading;
  }

  private static VitalSign withUnit(VitalSign reading, String unit) {
    reading.setUnit(unit);
    return reading;
  }

  private static String header(TestRecord<?, ?> record, String name) {
    return new String(record.headers().lastHeader(name).value(), StandardCharsets.UTF_8);
  }
}
