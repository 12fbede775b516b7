package io.vitalflow.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;

/** A probe never waits for the check: the last result, or DOWN once the check hangs. */
class BoundedHealthTest {

  @Test
  void answersWithTheLastResultAndDownWhileTheCheckHangs() throws Exception {
    AtomicReference<Health> next = new AtomicReference<>(Health.up().build());
    CountDownLatch release = new CountDownLatch(1);
    AtomicReference<Boolean> hang = new AtomicReference<>(false);
    try (BoundedHealth health =
        new BoundedHealth(
            "test",
            () -> {
              if (hang.get()) {
                try {
                  release.await(); // a pool waiting for a connection that never comes
                } catch (InterruptedException e) {
                  Thread.currentThread().interrupt();
                }
              }
              return next.get();
            },
            Duration.ofMillis(50),
            Duration.ofMillis(300))) {
      await().atMost(Duration.ofSeconds(5)).until(() -> health.health().getStatus() == Status.UP);

      hang.set(true);
      await().atMost(Duration.ofSeconds(5)).until(() -> health.health().getStatus() == Status.DOWN);
      long started = System.nanoTime();
      assertThat(health.health().getDetails()).containsKey("check");
      assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofMillis(50));

      hang.set(false);
      release.countDown();
      await().atMost(Duration.ofSeconds(5)).until(() -> health.health().getStatus() == Status.UP);
    }
  }

  @Test
  void aFailingCheckIsDownNamedByItsClassOnly() {
    try (BoundedHealth health =
        new BoundedHealth(
            "test",
            () -> {
              throw new IllegalStateException("password=secret");
            },
            Duration.ofMillis(50),
            Duration.ofSeconds(1))) {
      await()
          .atMost(Duration.ofSeconds(5))
          .until(() -> health.health().getDetails().containsKey("error"));
      assertThat(health.health().getStatus()).isEqualTo(Status.DOWN);
      assertThat(health.health().getDetails().toString())
          .contains("IllegalStateException")
          .doesNotContain("secret");
    }
  }
}
