package io.vitalflow.processor.news2;

import static io.vitalflow.processor.topology.Readings.reading;
import static org.assertj.core.api.Assertions.assertThat;

import io.vitalflow.processor.topology.TopologyFixture;
import io.vitalflow.processor.topology.VitalsTopology;
import io.vitalflow.schemas.Alert;
import io.vitalflow.schemas.AlertKind;
import io.vitalflow.schemas.AlertSeverity;
import io.vitalflow.schemas.Loinc;
import io.vitalflow.schemas.News2Score;
import io.vitalflow.schemas.RiskBand;
import io.vitalflow.schemas.VitalSign;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.apache.kafka.streams.KeyValue;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** NEWS2 through the real vitals topology. */
class News2TopologyTest {

  private static final Instant T0 = Instant.parse("2026-03-01T10:00:00Z");

  private final TopologyFixture fixture = new TopologyFixture();

  @AfterEach
  void close() {
    fixture.close();
  }

  @Test
  void aReadingDatedAheadDoesNotHideALaterRealDeterioration() {
    fixture.pipe(reading("p1", Loinc.HEART_RATE, 80, T0)); // 0, LOW
    VitalSign ahead =
        VitalSign.newBuilder(reading("p1", Loinc.HEART_RATE, 80, T0.plusSeconds(6)))
            .setReceivedTime(T0.plusSeconds(2))
            .build();
    fixture.pipe(
        ahead); // dated 4 s after its receipt (within the 5 s clock skew): counts as taken at T0 +
    // 2 s
    fixture.pipe(reading("p1", Loinc.HEART_RATE, 135, T0.plusSeconds(5))); // HR 3: LOW_MEDIUM

    List<KeyValue<String, News2Score>> scores = fixture.news2().readKeyValuesToList();
    assertThat(scores)
        .extracting(kv -> kv.value.getScore() + " " + kv.value.getComputedAt())
        .containsExactly("0 " + T0, "3 " + T0.plusSeconds(5));
  }

  @Test
  void scoreIsEmittedWhenItChangesAndAlertsFollowTheBand() {
    fixture.pipe(reading("p1", Loinc.HEART_RATE, 80, T0)); // 0, LOW: a score, no alert
    fixture.pipe(reading("p1", Loinc.HEART_RATE, 82, T0.plusSeconds(5))); // still 0: nothing
    fixture.pipe(reading("p1", Loinc.RESPIRATORY_RATE, 26, T0.plusSeconds(10))); // RR 3: LOW_MEDIUM
    fixture.pipe(reading("p1", Loinc.SYSTOLIC_BP, 95, T0.plusSeconds(15))); // + 2 = 5: MEDIUM
    fixture.pipe(reading("p1", Loinc.SPO2, 91, T0.plusSeconds(20))); // + 3 = 8: HIGH
    fixture.pipe(
        reading("p1", Loinc.DIASTOLIC_BP, 60, T0.plusSeconds(22))); // not a NEWS2 parameter
    fixture.pipe(
        reading("p1", Loinc.BODY_TEMPERATURE, 37, T0.plusSeconds(25))); // + 0, now complete
    fixture.pipe(reading("p1", Loinc.SPO2, 97, T0.plusSeconds(30))); // 5: MEDIUM
    fixture.pipe(reading("p1", Loinc.RESPIRATORY_RATE, 16, T0.plusSeconds(35))); // 2: LOW

    List<KeyValue<String, News2Score>> scores = fixture.news2().readKeyValuesToList();
    assertThat(scores).extracting(kv -> kv.key).containsOnly("p1");
    assertThat(scores)
        .extracting(
            kv ->
                kv.value.getScore()
                    + " "
                    + kv.value.getBand()
                    + " "
                    + kv.value.getComplete()
                    + " "
                    + kv.value.getComputedAt())
        .containsExactly(
            "0 LOW false " + T0,
            "3 LOW_MEDIUM false " + T0.plusSeconds(10),
            "5 MEDIUM false " + T0.plusSeconds(15),
            "8 HIGH false " + T0.plusSeconds(20),
            "8 HIGH true " + T0.plusSeconds(25),
            "5 MEDIUM true " + T0.plusSeconds(30),
            "2 LOW true " + T0.plusSeconds(35));
    assertThat(scores.get(4).value.getComponents())
        .containsEntry(Loinc.RESPIRATORY_RATE, 3)
        .containsEntry(Loinc.SPO2, 3)
        .containsEntry(Loinc.SYSTOLIC_BP, 2)
        .containsEntry(Loinc.HEART_RATE, 0)
        .containsEntry(Loinc.BODY_TEMPERATURE, 0)
        .containsEntry(News2.CONSCIOUSNESS, 0)
        .containsEntry(News2.SUPPLEMENTAL_OXYGEN, 0);

    List<Alert> alerts = fixture.alerts().readValuesToList();
    assertThat(alerts)
        .extracting(a -> a.getPreviousBand() + "->" + a.getBand() + " " + a.getSeverity())
        .containsExactly(
            "LOW->LOW_MEDIUM LOW",
            "LOW_MEDIUM->MEDIUM MODERATE",
            "MEDIUM->HIGH HIGH",
            "HIGH->MEDIUM MODERATE",
            "MEDIUM->LOW INFO");
    Alert high = alerts.get(2);
    assertThat(high.getKind()).isEqualTo(AlertKind.NEWS2_BAND_CHANGE);
    assertThat(high.getPatientId()).isEqualTo("p1");
    assertThat(high.getNews2Score()).isEqualTo(8);
    assertThat(high.getRaisedAt()).isEqualTo(T0.plusSeconds(20));
    assertThat(high.getTitle())
        .isEqualTo("NEWS2 clinical risk rose from medium to high (score 8)")
        .doesNotContain("p1");
    assertThat(high.getAttributes()).containsEntry("component." + Loinc.SPO2, "3");
    assertThat(alerts).extracting(Alert::getAlertId).doesNotHaveDuplicates();
  }

  @Test
  void aFirstBandAboveLowRaisesAnAlertWithoutPreviousBand() {
    fixture.pipe(reading("p2", Loinc.HEART_RATE, 140, T0));

    Alert alert = fixture.alerts().readValue();
    assertThat(alert.getPreviousBand()).isNull();
    assertThat(alert.getBand()).isEqualTo(RiskBand.LOW_MEDIUM);
    assertThat(alert.getSeverity()).isEqualTo(AlertSeverity.LOW);
    assertThat(alert.getTitle()).isEqualTo("NEWS2 clinical risk low-medium (score 3)");
    assertThat(fixture.alerts().isEmpty()).isTrue();
  }

  @Test
  void aReadingOlderThanTheParametersLatestIsIgnored() {
    fixture.pipe(reading("p1", Loinc.HEART_RATE, 80, T0.plusSeconds(60)));
    fixture.pipe(
        reading("p1", Loinc.HEART_RATE, 140, T0.plusSeconds(30))); // late and would score 3

    assertThat(fixture.news2().readValuesToList())
        .extracting(News2Score::getScore)
        .containsExactly(0);
    assertThat(fixture.alerts().isEmpty()).isTrue();
    assertThat(fixture.aggregates1m().readValuesToList()).hasSize(2); // the windows still count it
  }

  @Test
  void parametersOlderThanAnHourBeforeTheLatestReadingNoLongerCount() {
    fixture.pipe(reading("p1", Loinc.RESPIRATORY_RATE, 26, T0)); // 3: LOW_MEDIUM
    fixture.pipe(
        reading(
            "p1", Loinc.HEART_RATE, 80, T0.plusSeconds(3600))); // RR exactly an hour old: counts
    fixture.pipe(reading("p1", Loinc.HEART_RATE, 81, T0.plusSeconds(3601))); // RR too old now

    List<News2Score> scores = fixture.news2().readValuesToList();
    assertThat(scores)
        .extracting(s -> s.getScore() + " " + s.getComponents().containsKey(Loinc.RESPIRATORY_RATE))
        .containsExactly("3 true", "3 true", "0 false");
    assertThat(fixture.alerts().readValuesToList())
        .extracting(a -> a.getPreviousBand() + "->" + a.getBand())
        .containsExactly("null->LOW_MEDIUM", "LOW_MEDIUM->LOW");
    assertThat(
            fixture.driver().<String, Object>getKeyValueStore(VitalsTopology.STORE_NEWS2).get("p1"))
        .isInstanceOfSatisfying(
            News2State.class, s -> assertThat(s.latest()).containsOnlyKeys(Parameter.PULSE));
  }

  @Test
  void stalenessFollowsTheOption() {
    try (TopologyFixture shortMemory =
        new TopologyFixture(
            VitalsTopology.Options.defaults().withNews2MaxAge(Duration.ofMinutes(5)))) {
      shortMemory.pipe(reading("p1", Loinc.RESPIRATORY_RATE, 26, T0));
      shortMemory.pipe(reading("p1", Loinc.HEART_RATE, 80, T0.plusSeconds(301)));
      assertThat(shortMemory.news2().readValuesToList())
          .extracting(News2Score::getScore)
          .containsExactly(3, 0);
    }
  }

  @Test
  void patientsAreScoredSeparately() {
    fixture.pipe(reading("p1", Loinc.HEART_RATE, 140, T0));
    fixture.pipe(reading("p2", Loinc.HEART_RATE, 70, T0.plusSeconds(1)));

    assertThat(fixture.news2().readKeyValuesToList())
        .extracting(kv -> kv.key + "=" + kv.value.getScore())
        .containsExactly("p1=3", "p2=0");
  }

  @Test
  void replayingTheSameReadingsMintsTheSameAlertIds() {
    List<VitalSign> readings =
        List.of(
            reading("p1", Loinc.HEART_RATE, 140, T0),
            reading("p1", Loinc.RESPIRATORY_RATE, 26, T0.plusSeconds(5)),
            reading("p1", Loinc.HEART_RATE, 70, T0.plusSeconds(10)));
    fixture.pipeAll(readings);
    List<String> first =
        fixture.alerts().readValuesToList().stream().map(Alert::getAlertId).toList();
    try (TopologyFixture replay = new TopologyFixture()) {
      replay.pipeAll(readings);
      assertThat(replay.alerts().readValuesToList()).extracting(Alert::getAlertId).isEqualTo(first);
    }
    assertThat(first).hasSize(3).doesNotHaveDuplicates();
  }
}
