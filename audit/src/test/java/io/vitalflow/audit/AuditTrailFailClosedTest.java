package io.vitalflow.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vitalflow.kafka.KafkaClients;
import io.vitalflow.local.FreePorts;
import io.vitalflow.local.LocalStack;
import io.vitalflow.schemas.Topics;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import org.springframework.boot.health.contributor.Status;

/**
 * Fail closed: with the broker unreachable (its address a closed port), the trail refuses once its
 * oldest event is past the delivery deadline or its buffer is full, health is DOWN and the metrics
 * say so; when the address answers again, the buffered events are delivered and requests are
 * admitted again. Failing open, events that do not fit are dropped and nothing is refused.
 */
class AuditTrailFailClosedTest {

  private final LocalStack stack = LocalStack.shared();
  private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
  private final ListAppender<ILoggingEvent> logs = new ListAppender<>();
  private final Logger trailLog = (Logger) LoggerFactory.getLogger(AuditTrail.class);
  private String prefix;
  private int port;

  @BeforeEach
  void setUp() {
    prefix = stack.freshTopicPrefix();
    port = FreePorts.next();
    logs.start();
    trailLog.addAppender(logs);
  }

  @AfterEach
  void tearDown() {
    trailLog.detachAppender(logs);
  }

  @Test
  void pastTheDeliveryDeadlineRequestsAreRefusedWithHealthDownUntilTheBrokerAnswersAgain()
      throws Exception {
    AuditTrail.Options options =
        AuditTrail.Options.defaults()
            .withTopicPrefix(prefix)
            .withDeliveryTimeout(Duration.ofSeconds(2))
            .withMaxPending(1_000);
    try (AuditTrail trail =
        AuditTrail.create(KafkaClients.of("127.0.0.1:" + port), options, meters)) {
      AuditHealthIndicator health = new AuditHealthIndicator(trail);
      AuditRecord first = AuditSinkTest.event(1);
      trail.admit();
      trail.record(first);
      assertThat(health.health().getStatus()).isEqualTo(Status.UP);

      long started = System.nanoTime();
      await()
          .atMost(Duration.ofSeconds(10))
          .pollInterval(Duration.ofMillis(50))
          .until(() -> !trail.delivering());
      assertThat(Duration.ofNanos(System.nanoTime() - started))
          .isGreaterThanOrEqualTo(Duration.ofMillis(1_500));
      assertThatThrownBy(trail::admit)
          .isInstanceOf(AuditUnavailableException.class)
          .hasMessageContaining("1 pending")
          .satisfies(
              e ->
                  assertThat(((AuditUnavailableException) e).retryAfter())
                      .isEqualTo(Duration.ofSeconds(5)));
      AuditRecord refused = AuditSinkTest.event(2);
      assertThatThrownBy(() -> trail.record(refused)).isInstanceOf(AuditUnavailableException.class);
      assertThat(health.health().getStatus()).isEqualTo(Status.DOWN);
      assertThat(health.health().getDetails()).containsEntry("pending", 1);
      assertThat(meters.counter("vitalflow.audit.events", "outcome", "failed").count())
          .isEqualTo(1.0);
      assertThat(meters.get("vitalflow.audit.pending").gauge().value()).isEqualTo(1.0);
      assertThat(logs.list)
          .filteredOn(e -> e.getLevel() == Level.WARN)
          .hasSize(1)
          .allSatisfy(
              e ->
                  assertThat(e.getFormattedMessage())
                      .doesNotContain("p-1")
                      .doesNotContain("nurse")
                      .hasSizeLessThan(400));

      TcpForwarder broker = TcpForwarder.start(port, stack.kafkaBootstrap());
      try {
        await().atMost(Duration.ofSeconds(60)).until(trail::delivering);
        assertThatCode(trail::admit).doesNotThrowAnyException();
        assertThat(health.health().getStatus()).isEqualTo(Status.UP);
        AuditRecord after = AuditSinkTest.event(3);
        trail.record(after);
        await().atMost(Duration.ofSeconds(30)).until(() -> trail.pending() == 0);
        assertThat(meters.counter("vitalflow.audit.events", "outcome", "delivered").count())
            .isEqualTo(2.0);
        List<String> delivered = read(2);
        assertThat(delivered)
            .anySatisfy(json -> assertThat(json).contains(first.id().toString()))
            .anySatisfy(json -> assertThat(json).contains(after.id().toString()))
            .noneSatisfy(json -> assertThat(json).contains(refused.id().toString()));
      } finally {
        broker.close();
      }
    }
  }

  @Test
  void aFullBufferRefusesAtOnce() {
    AuditTrail.Options options =
        AuditTrail.Options.defaults()
            .withTopicPrefix(prefix)
            .withDeliveryTimeout(Duration.ofSeconds(60))
            .withMaxPending(3);
    try (AuditTrail trail =
        AuditTrail.create(KafkaClients.of("127.0.0.1:" + port), options, meters)) {
      for (int i = 0; i < 3; i++) {
        trail.admit();
        trail.record(AuditSinkTest.event(i));
      }
      assertThatThrownBy(trail::admit).isInstanceOf(AuditUnavailableException.class);
      assertThatThrownBy(() -> trail.record(AuditSinkTest.event(9)))
          .isInstanceOf(AuditUnavailableException.class);
      assertThat(new AuditHealthIndicator(trail).health().getStatus()).isEqualTo(Status.DOWN);
      assertThat(trail.pending()).isEqualTo(3);
    }
  }

  @Test
  void failingOpenDropsWhatDoesNotFitCountsItAndRefusesNothing() {
    AuditTrail.Options options =
        AuditTrail.Options.defaults()
            .withTopicPrefix(prefix)
            .withDeliveryTimeout(Duration.ofSeconds(60))
            .withMaxPending(2)
            .withFailClosed(false);
    try (AuditTrail trail =
        AuditTrail.create(KafkaClients.of("127.0.0.1:" + port), options, meters)) {
      for (int i = 0; i < 10; i++) {
        assertThatCode(trail::admit).doesNotThrowAnyException();
        trail.record(AuditSinkTest.event(i));
      }
      assertThat(trail.pending()).isEqualTo(2);
      assertThat(meters.counter("vitalflow.audit.events", "outcome", "failed").count())
          .isEqualTo(8.0);
      var health = new AuditHealthIndicator(trail).health();
      assertThat(health.getStatus()).isEqualTo(Status.UP);
      assertThat(health.getDetails()).containsEntry("delivering", false);
      // once a minute, not once per event
      assertThat(logs.list).filteredOn(e -> e.getLevel() == Level.WARN).hasSize(1);
    }
  }

  private List<String> read(int atLeast) {
    List<String> values = new ArrayList<>();
    try (KafkaConsumer<String, String> consumer =
        new KafkaConsumer<>(
            Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                stack.kafkaBootstrap(),
                ConsumerConfig.GROUP_ID_CONFIG,
                "reader-" + UUID.randomUUID(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG,
                "earliest"),
            new StringDeserializer(),
            new StringDeserializer())) {
      consumer.subscribe(List.of(prefix + Topics.AUDIT.name()));
      await()
          .atMost(Duration.ofSeconds(30))
          .until(
              () -> {
                consumer.poll(Duration.ofMillis(200)).forEach(r -> values.add(r.value()));
                return values.size() >= atLeast;
              });
    }
    return values;
  }
}
