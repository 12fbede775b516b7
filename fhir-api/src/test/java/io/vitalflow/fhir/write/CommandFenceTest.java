package io.vitalflow.fhir.write;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vitalflow.kafka.KafkaClients;
import io.vitalflow.kafka.TopicAdmin;
import io.vitalflow.local.LocalKafka;
import io.vitalflow.schemas.FhirCommand;
import io.vitalflow.schemas.FhirOperation;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.springframework.util.FileSystemUtils;

/**
 * A send that fails without saying whether the broker wrote the command is settled by a fence,
 * against a real broker of its own that dies and comes back (docs/fhir.md, "When Kafka fails").
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class CommandFenceTest {

  private Path dir;
  private LocalKafka kafka;
  private int port;

  @BeforeAll
  void start() throws IOException {
    dir = Files.createTempDirectory("fhir-fence-");
    kafka = LocalKafka.start(dir, 0, "256m");
    port = Integer.parseInt(kafka.bootstrapServers().substring("127.0.0.1:".length()));
    TopicAdmin.ensureTopics(kafka.bootstrapServers(), "", (short) 1);
  }

  @AfterAll
  void stop() {
    if (kafka != null) {
      kafka.close();
    }
    FileSystemUtils.deleteRecursively(dir.toFile());
  }

  @Test
  @Order(1)
  void aCommandTheBrokerHasIsFoundBeforeTheFenceAndOneItNeverGotIsNot() {
    try (CommandSender sender = sender(Duration.ofSeconds(10))) {
      FhirCommand written = command("a");
      sender.send(written).block(Duration.ofSeconds(30));
      sender.send(command("b")).block(Duration.ofSeconds(30)); // a command of another resource

      assertThat(sender.inLog(written, Duration.ofSeconds(20)).block()).isTrue();
      assertThat(sender.inLog(command("a"), Duration.ofSeconds(20)).block()).isFalse();
    }
  }

  @Test
  @Order(2)
  void afterTheBrokerCameBackTheFenceSaysWhetherTheFailedSendWasWritten() throws Exception {
    try (CommandSender sender = sender(Duration.ofSeconds(3))) {
      FhirCommand earlier = command("c");
      sender.send(earlier).block(Duration.ofSeconds(30));

      kafka.kill();
      FhirCommand lost = command("c");
      Throwable failure = sendFailure(sender, lost);
      assertThat(CommandSender.outcomeUnknown(failure)).as("%s", failure).isTrue();

      // the fence waits for the broker: it comes back while the fence is being tried
      CompletableFuture<Boolean> lostInLog = sender.inLog(lost, Duration.ofSeconds(90)).toFuture();
      CompletableFuture<Boolean> earlierInLog =
          sender.inLog(earlier, Duration.ofSeconds(90)).toFuture();
      Thread.sleep(2_000);
      assertThat(lostInLog).isNotDone();
      kafka.close();
      kafka = LocalKafka.start(dir, port, "256m");

      assertThat(lostInLog.get()).isFalse();
      assertThat(earlierInLog.get()).isTrue();
    }
  }

  @Test
  @Order(3) // last: the broker stays dead
  void aBrokerThatStaysAwayLeavesTheOutcomeUnknown() {
    try (CommandSender sender = sender(Duration.ofSeconds(3))) {
      kafka.kill();
      FhirCommand lost = command("d");
      assertThat(CommandSender.outcomeUnknown(sendFailure(sender, lost))).isTrue();
      assertThatThrownBy(() -> sender.inLog(lost, Duration.ofSeconds(4)).block())
          .isInstanceOf(CommandSender.OutcomeUnknown.class)
          .hasMessageContaining("no fence could be written");
    }
  }

  private static Throwable sendFailure(CommandSender sender, FhirCommand command) {
    try {
      sender.send(command).block(Duration.ofSeconds(30));
    } catch (RuntimeException e) {
      return reactor.core.Exceptions.unwrap(e);
    }
    throw new AssertionError("the send to a dead broker succeeded");
  }

  private CommandSender sender(Duration deliveryTimeout) {
    return new CommandSender(KafkaClients.of(kafka.bootstrapServers()), "", deliveryTimeout);
  }

  private static FhirCommand command(String id) {
    return Writes.command(
        FhirOperation.UPDATE,
        "Patient",
        "fence-" + id,
        null,
        null,
        "{\"resourceType\":\"Patient\",\"id\":\"fence-" + id + "\"}");
  }
}
