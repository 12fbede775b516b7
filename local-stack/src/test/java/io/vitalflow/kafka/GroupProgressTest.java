package io.vitalflow.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import io.vitalflow.local.LocalStack;
import io.vitalflow.schemas.Topics;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

/** When a consumer group counts as stalled, on the rule alone and against the real broker. */
class GroupProgressTest {

  @Test
  void stalledOnlyWhileInputGrowsAndNothingIsCommittedForTheTimeout() {
    AtomicLong now = new AtomicLong();
    GroupProgress progress =
        new GroupProgress(KafkaClients.of("unused:9092"), "g", Duration.ofSeconds(60), now::get);
    assertThat(progress.judge(100, 100, null).stalled()).isFalse();
    now.addAndGet(Duration.ofMinutes(5).toNanos());
    assertThat(progress.judge(100, 100, null).stalled()).as("idle: nothing arrives").isFalse();
    assertThat(progress.judge(100, 101, null).stalled())
        .as("a lag that grows after 5 idle minutes")
        .isTrue();

    assertThat(progress.judge(101, 101, null).stalled()).as("committed moved").isFalse();
    now.addAndGet(Duration.ofSeconds(30).toNanos());
    assertThat(progress.judge(101, 150, null).stalled()).as("within the timeout").isFalse();
    now.addAndGet(Duration.ofSeconds(31).toNanos());
    GroupProgress.Verdict stalled = progress.judge(101, 160, null);
    assertThat(stalled.stalled()).isTrue();
    assertThat(stalled.lag()).isEqualTo(59);
    assertThat(stalled.detail()).isEqualTo("no progress for 61 s while 59 records wait");

    GroupProgress.Verdict unknown = progress.judge(-1, -1, "broker not reachable");
    assertThat(unknown.stalled()).isFalse();
    assertThat(unknown.detail()).isEqualTo("broker not reachable");
    assertThat(progress.judge(160, 160, null).stalled()).as("caught up").isFalse();
  }

  @Test
  void aClosedCheckerAsksNoBrokerAndSaysSo() {
    GroupProgress progress =
        new GroupProgress(KafkaClients.of("127.0.0.1:1"), "g", Duration.ofSeconds(60));
    progress.close();
    long started = System.nanoTime();
    GroupProgress.Verdict verdict = progress.check();
    // an unreachable broker would take the call timeout (3 s) and say "broker not reachable"
    assertThat(verdict.detail()).isEqualTo("closed");
    assertThat(verdict.stalled()).isFalse();
    assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(1));
  }

  @Test
  void aGroupThatStopsCommittingWhileRecordsArriveIsStalledUntilItCommitsAgain() throws Exception {
    LocalStack stack = LocalStack.shared();
    String topic = stack.freshTopicPrefix() + Topics.VITALS_RAW.name();
    String group = "progress-" + System.nanoTime();
    TopicPartition partition = new TopicPartition(topic, 0);
    try (var producer =
            new KafkaProducer<>(
                Map.<String, Object>of(
                    ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.kafkaBootstrap()),
                new StringSerializer(),
                new StringSerializer());
        var consumer =
            new KafkaConsumer<>(
                Map.<String, Object>of(
                    ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                    stack.kafkaBootstrap(),
                    ConsumerConfig.GROUP_ID_CONFIG,
                    group),
                new StringDeserializer(),
                new StringDeserializer());
        GroupProgress progress =
            new GroupProgress(
                KafkaClients.of(stack.kafkaBootstrap()), group, Duration.ofSeconds(1))) {
      consumer.assign(List.of(partition));
      producer.send(new ProducerRecord<>(topic, 0, "k", "v")).get();
      consumer.commitSync(Map.of(partition, new OffsetAndMetadata(1)));
      assertThat(progress.check().stalled()).isFalse();

      producer.send(new ProducerRecord<>(topic, 0, "k", "v")).get();
      producer.send(new ProducerRecord<>(topic, 0, "k", "v")).get();
      Thread.sleep(1200);
      GroupProgress.Verdict stalled = progress.check();
      assertThat(stalled.stalled()).isTrue();
      assertThat(stalled.lag()).isEqualTo(2);

      consumer.commitSync(Map.of(partition, new OffsetAndMetadata(3)));
      GroupProgress.Verdict moving = progress.check();
      assertThat(moving.stalled()).isFalse();
      assertThat(moving.lag()).isZero();
    }
  }
}
