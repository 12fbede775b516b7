package io.vitalflow.dashboard.push;

import io.vitalflow.schemas.Alert;
import io.vitalflow.schemas.AlertKind;
import io.vitalflow.schemas.AlertSeverity;
import io.vitalflow.schemas.News2Score;
import io.vitalflow.schemas.RiskBand;
import io.vitalflow.schemas.Topic;
import io.vitalflow.schemas.Topics;
import io.vitalflow.schemas.VitalAggregate;
import io.vitalflow.schemas.VitalSign;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Writes to the four derived topics of one test prefix, the way the gateway and the processor
 * would.
 */
final class Topics4 implements AutoCloseable {

  private final KafkaProducer<String, byte[]> producer;
  private final String prefix;

  Topics4(String bootstrap, String prefix) {
    this.prefix = prefix;
    producer =
        new KafkaProducer<>(
            Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                bootstrap,
                ProducerConfig.LINGER_MS_CONFIG,
                0),
            new StringSerializer(),
            new ByteArraySerializer());
  }

  private <V> void send(Topic<String, V> topic, String key, V value) {
    send(topic, key, value, List.of());
  }

  private <V> void send(Topic<String, V> topic, String key, V value, List<Header> headers) {
    byte[] bytes = topic.valueSerde().serializer().serialize(topic.name(), value);
    try {
      producer.send(new ProducerRecord<>(prefix + topic.name(), null, key, bytes, headers)).get();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  void vital(String patientId, String code, double value) {
    vital(patientId, code, value, List.of());
  }

  /** A reading whose record carries {@code headers} (e.g. a {@code traceparent}). */
  void vital(String patientId, String code, double value, List<Header> headers) {
    Instant now = Instant.now();
    send(
        Topics.VITALS_RAW,
        patientId,
        VitalSign.newBuilder()
            .setReadingId(UUID.randomUUID().toString())
            .setPatientId(patientId)
            .setDeviceId("m-1")
            .setCode(code)
            .setValue(value)
            .setUnit("8867-4".equals(code) ? "/min" : "%")
            .setEffectiveTime(now)
            .setReceivedTime(now)
            .build(),
        headers);
  }

  void aggregate(String patientId, String code, double mean) {
    Instant start = Instant.now().truncatedTo(java.time.temporal.ChronoUnit.MINUTES);
    send(
        Topics.VITALS_AGG_1M,
        patientId,
        VitalAggregate.newBuilder()
            .setPatientId(patientId)
            .setCode(code)
            .setUnit("/min")
            .setWindowStart(start)
            .setWindowEnd(start.plusSeconds(60))
            .setCount(2)
            .setMin(mean - 1)
            .setMax(mean + 1)
            .setSum(2 * mean)
            .setMean(mean)
            .setLast(mean + 1)
            .setLastTime(Instant.now())
            .build());
  }

  void news2(String patientId, int score, RiskBand band) {
    send(
        Topics.NEWS2,
        patientId,
        News2Score.newBuilder()
            .setPatientId(patientId)
            .setScore(score)
            .setBand(band)
            .setComponents(Map.of("8867-4", 1))
            .setComplete(false)
            .setComputedAt(Instant.now())
            .build());
  }

  String alert(String patientId) {
    String alertId = "a-" + UUID.randomUUID();
    send(
        Topics.ALERTS,
        patientId,
        Alert.newBuilder()
            .setAlertId(alertId)
            .setPatientId(patientId)
            .setKind(AlertKind.NEWS2_BAND_CHANGE)
            .setSeverity(AlertSeverity.HIGH)
            .setRaisedAt(Instant.now())
            .setTitle("NEWS2 band HIGH")
            .setNews2Score(7)
            .setBand(RiskBand.HIGH)
            .setPreviousBand(RiskBand.MEDIUM)
            .build());
    return alertId;
  }

  /** Many alerts with large attributes, sent without waiting for each. */
  void bigAlerts(String patientId, int count, int bytes) {
    String filler = "x".repeat(bytes);
    for (int i = 0; i < count; i++) {
      Alert alert =
          Alert.newBuilder()
              .setAlertId("big-" + UUID.randomUUID())
              .setPatientId(patientId)
              .setKind(AlertKind.THRESHOLD)
              .setSeverity(AlertSeverity.LOW)
              .setRaisedAt(Instant.now())
              .setTitle("big")
              .setAttributes(Map.of("filler", filler))
              .build();
      producer.send(
          new ProducerRecord<>(
              prefix + Topics.ALERTS.name(),
              patientId,
              Topics.ALERTS.valueSerde().serializer().serialize(Topics.ALERTS.name(), alert)));
    }
    producer.flush();
  }

  @Override
  public void close() {
    producer.close();
  }
}
