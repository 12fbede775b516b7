package io.vitalflow.fhir.write;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vitalflow.fhir.store.ResourceStore;
import io.vitalflow.fhir.store.WriteNotifications;
import io.vitalflow.fhir.store.WriteOutcome;
import io.vitalflow.schemas.FhirCommand;
import io.vitalflow.schemas.FhirOperation;
import java.time.Duration;
import java.time.Instant;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.TimeoutException;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;

/**
 * How a write answers when its send failed without saying whether Kafka has the command (unit; the
 * fence itself is tested against a real broker in {@link CommandFenceTest}).
 */
class WritesSettleTest {

  private final CommandSender sender = mock(CommandSender.class);
  private final WriteNotifications notifications = mock(WriteNotifications.class);
  private final ResourceStore store = mock(ResourceStore.class);
  private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
  private final Writes writes =
      new Writes(sender, notifications, store, Duration.ofSeconds(2), meters);
  private final FhirCommand command =
      Writes.command(FhirOperation.UPDATE, "Patient", "p-1", 3L, null, "{}");

  @Test
  void aCommandTheFenceFindsInTheLogIsAnsweredWithItsOutcomeNotA503() {
    WriteOutcome applied =
        new WriteOutcome(
            command.getRequestId(), 200, "Patient", "p-1", 4L, Instant.now(), false, null);
    when(notifications.await(command.getRequestId())).thenReturn(Mono.just(applied));
    when(sender.send(command)).thenReturn(Mono.error(new TimeoutException("expired")));
    when(sender.inLog(any(), any())).thenReturn(Mono.just(true));

    Writes.Result result = writes.submit(command, false).block(Duration.ofSeconds(10));

    assertThat(result.outcome()).isEqualTo(applied);
    assertThat(
            meters
                .get("vitalflow.fhir.write.outcome.settled")
                .tag("result", "written")
                .counter()
                .count())
        .isEqualTo(1.0);
  }

  @Test
  void aCommandNotInTheLogKeepsTheSendsErrorSoTheClientMayRetry() {
    when(notifications.await(command.getRequestId())).thenReturn(Mono.never());
    TimeoutException expired = new TimeoutException("expired");
    when(sender.send(command)).thenReturn(Mono.error(expired));
    when(sender.inLog(any(), any())).thenReturn(Mono.just(false));

    assertThatThrownBy(() -> writes.submit(command, false).block(Duration.ofSeconds(10)))
        .isSameAs(expired);
  }

  @Test
  void aFenceThatCannotBeWrittenLeavesTheOutcomeUnknown() {
    when(notifications.await(command.getRequestId())).thenReturn(Mono.never());
    when(sender.send(command)).thenReturn(Mono.error(new TimeoutException("expired")));
    when(sender.inLog(any(), any()))
        .thenReturn(Mono.error(new CommandSender.OutcomeUnknown("no fence could be written")));

    assertThatThrownBy(() -> writes.submit(command, false).block(Duration.ofSeconds(10)))
        .isInstanceOf(CommandSender.OutcomeUnknown.class);
  }

  @Test
  void aRefusalBeforeAnythingWasWrittenNeedsNoFence() {
    when(notifications.await(command.getRequestId())).thenReturn(Mono.never());
    RecordTooLargeException tooLarge = new RecordTooLargeException("too large");
    when(sender.send(command)).thenReturn(Mono.error(tooLarge));

    assertThatThrownBy(() -> writes.submit(command, false).block(Duration.ofSeconds(10)))
        .isSameAs(tooLarge);
    verify(sender, never()).inLog(any(), any());
  }
}
