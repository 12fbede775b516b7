package io.vitalflow.fhir.write;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.vitalflow.fhir.store.ResourceStore;
import io.vitalflow.fhir.store.WriteNotifications;
import io.vitalflow.fhir.store.WriteOutcome;
import io.vitalflow.schemas.FhirCommand;
import io.vitalflow.schemas.FhirOperation;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeoutException;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * The write path as the HTTP layer sees it: a command goes to Kafka; by default the answer waits
 * until the projection has made the outcome readable (read-your-writes), asynchronously only until
 * Kafka has it.
 */
public final class Writes {

  /** The bucket bounds of {@code vitalflow.fhir.write.readable}: 5 ms to 10 s. */
  static final Duration[] READABLE_BUCKETS = {
    Duration.ofMillis(5),
    Duration.ofMillis(10),
    Duration.ofMillis(25),
    Duration.ofMillis(50),
    Duration.ofMillis(100),
    Duration.ofMillis(250),
    Duration.ofMillis(500),
    Duration.ofSeconds(1),
    Duration.ofMillis(2500),
    Duration.ofSeconds(5),
    Duration.ofSeconds(10)
  };

  private final CommandSender sender;
  private final WriteNotifications notifications;
  private final ResourceStore store;
  private final Duration timeout;
  private final Timer readable;
  private final Counter unknown;
  private final Counter settledWritten;
  private final Counter settledNotWritten;

  public Writes(
      CommandSender sender,
      WriteNotifications notifications,
      ResourceStore store,
      Duration timeout,
      MeterRegistry meters) {
    this.sender = sender;
    this.notifications = notifications;
    this.store = store;
    this.timeout = timeout;
    this.readable =
        Timer.builder("vitalflow.fhir.write.readable")
            .description("From a write request to its outcome being readable")
            // buckets, not client-side percentiles: Prometheus adds them up across instances
            // (histogram_quantile over sum by le); the last one is the default write-timeout
            .serviceLevelObjectives(READABLE_BUCKETS)
            .register(meters);
    this.unknown =
        Counter.builder("vitalflow.fhir.write.outcome.unknown")
            .description("Writes whose send failed without saying whether Kafka has the command")
            .register(meters);
    this.settledWritten = settled(meters, "written");
    this.settledNotWritten = settled(meters, "not-written");
  }

  private static Counter settled(MeterRegistry meters, String result) {
    return Counter.builder("vitalflow.fhir.write.outcome.settled")
        .description("Writes of unknown outcome that a fence showed to be in the log, or not")
        .tag("result", result)
        .register(meters);
  }

  /** What a write answered: the outcome, or only that Kafka holds the command. */
  public record Result(WriteOutcome outcome, boolean onlyAccepted) {
    static Result accepted() {
      return new Result(null, true);
    }
  }

  public static FhirCommand command(
      FhirOperation operation,
      String type,
      String id,
      Long ifMatch,
      String ifNoneExist,
      String json) {
    return FhirCommand.newBuilder()
        .setRequestId(UUID.randomUUID().toString())
        .setResourceType(type)
        .setResourceId(id)
        .setOperation(operation)
        .setIfMatch(ifMatch)
        .setIfNoneExist(ifNoneExist)
        .setResource(json)
        .setReceivedAt(Instant.now())
        .build();
  }

  /**
   * Sends the commands of a transaction in one Kafka transaction and waits until all outcomes are
   * readable; a command not readable within the write timeout is answered as accepted.
   */
  public Mono<List<Result>> submitAll(List<FhirCommand> commands) {
    long started = System.nanoTime();
    List<Mono<Result>> outcomes = new ArrayList<>(commands.size());
    for (FhirCommand command : commands) {
      outcomes.add(readable(command.getRequestId()));
    }
    return sender
        .sendAllInTransaction(commands)
        .then(
            Flux.fromIterable(outcomes)
                .flatMapSequential(m -> m, Math.max(1, outcomes.size()))
                .collectList())
        .doOnSuccess(r -> readable.record(Duration.ofNanos(System.nanoTime() - started)))
        .doFinally(signal -> commands.forEach(c -> notifications.forget(c.getRequestId())));
  }

  /**
   * Sends the command. With {@code async} the result is {@link Result#accepted()} once Kafka has
   * it; otherwise the outcome once readable, or accepted when it is not readable within the write
   * timeout.
   */
  public Mono<Result> submit(FhirCommand command, boolean async) {
    if (async) {
      return sender.send(command).thenReturn(Result.accepted());
    }
    String requestId = command.getRequestId();
    long started = System.nanoTime();
    Mono<Result> outcome = readable(requestId);
    return sender
        .send(command)
        .onErrorResume(CommandSender::outcomeUnknown, failure -> settle(command, failure))
        .then(outcome)
        .doOnSuccess(r -> readable.record(Duration.ofNanos(System.nanoTime() - started)))
        .doFinally(signal -> notifications.forget(requestId));
  }

  /**
   * A send that failed without saying whether the broker wrote the command (a timeout, a lost
   * connection during a leader change): answering 503 would invite a retry of a write that may have
   * been applied. Completes when the command is in the log (it is then answered as any other),
   * fails with the send's error when it is not (a retry is safe), or with {@link
   * CommandSender.OutcomeUnknown} when that could not be found out within the write timeout.
   */
  private Mono<Void> settle(FhirCommand command, Throwable failure) {
    unknown.increment();
    return sender
        .inLog(command, timeout)
        .flatMap(
            written -> {
              (written ? settledWritten : settledNotWritten).increment();
              return written ? Mono.<Void>empty() : Mono.<Void>error(failure);
            });
  }

  /**
   * The outcome of a request once the projection announces it; registers the waiter at once (call
   * before sending). Not announced within the write timeout: the recorded outcome, else only
   * accepted.
   */
  private Mono<Result> readable(String requestId) {
    return notifications
        .await(requestId)
        .timeout(timeout)
        .map(o -> new Result(o, false))
        .onErrorResume(
            TimeoutException.class,
            e ->
                store
                    .outcome(requestId)
                    .map(o -> new Result(o, false))
                    .defaultIfEmpty(Result.accepted()));
  }
}
