package io.vitalflow.interactions.host;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class HotReloadTest {

  private static final PluginLimits LIMITS =
      PluginLimits.defaults().withDeadline(Duration.ofSeconds(20));

  /**
   * The in-flight call is known to hold an instance of the old version when the reload starts (the
   * old version's only idle instance has been checked out), and known to be still running when the
   * reload has finished (its future is not done). Should the call outrun the reload on a fast
   * machine, the attempt is repeated with a four times longer spin, so the test never depends on
   * how fast the machine is and is never skipped.
   */
  @Test
  void inFlightCallsFinishOnTheOldVersionNewCallsGetTheNewOne() throws Exception {
    long spins = 3_000_000; // hundreds of ms in the interpreter
    for (int attempt = 1; ; attempt++, spins *= 4) {
      try (PluginHost host =
          PluginHost.start(TestPlugins.source("echo", Engine.INTERPRETER), LIMITS)) {
        PluginVersion old = host.version();
        assertThat(host.idleInstances())
            .as("the old version starts with one warm instance")
            .isEqualTo(1);
        byte[] slow = TestPlugins.spin(spins, 1);
        CompletableFuture<byte[]> inFlight = CompletableFuture.supplyAsync(() -> host.call(slow));
        awaitCheckedOut(host, inFlight);

        PluginVersion next = host.load(TestPlugins.source("constant", Engine.INTERPRETER));
        boolean reloadedWhileInFlight = !inFlight.isDone();
        if (!reloadedWhileInFlight && attempt < 4) {
          inFlight.get(20, TimeUnit.SECONDS);
          continue; // the call outran the reload: again with a longer call
        }

        assertThat(reloadedWhileInFlight)
            .as("the reload happened while the old version's call ran")
            .isTrue();
        assertThat(next).isNotEqualTo(old);
        assertThat(host.version()).isEqualTo(next);
        assertThat(new String(host.call(new byte[] {1}), StandardCharsets.US_ASCII))
            .isEqualTo("new");
        assertThat(inFlight.get(20, TimeUnit.SECONDS))
            .as("the old version answered")
            .isEqualTo(slow);
        assertThat(host.idleInstances())
            .as("old instances are not pooled under the new version")
            .isEqualTo(1);
        return;
      }
    }
  }

  /**
   * Waits until the call has taken the old version's only idle instance, i.e. is committed to that
   * version (or has already finished, which the caller sees as a call that outran the reload).
   */
  private static void awaitCheckedOut(PluginHost host, CompletableFuture<byte[]> call)
      throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (host.idleInstances() != 0 && !call.isDone()) {
      assertThat(System.nanoTime() - deadline)
          .as("the call took an instance within 10 s")
          .isNegative();
      Thread.sleep(1);
    }
  }

  @Test
  void aBrokenNewVersionNeverReplacesTheRunningOne() {
    try (PluginHost host =
        PluginHost.start(TestPlugins.source("constant", Engine.INTERPRETER), LIMITS)) {
      PluginVersion good = host.version();
      assertThatThrownBy(() -> host.load(TestPlugins.source("abi3", Engine.INTERPRETER)))
          .isInstanceOf(PluginAbiException.class);
      assertThatThrownBy(
              () -> host.load(PluginSource.wasm("junk", new byte[] {0, 'a', 's', 'm', 9})))
          .isInstanceOf(PluginAbiException.class);
      assertThat(host.version()).isEqualTo(good);
      assertThat(host.call(new byte[0])).isEqualTo("new".getBytes(StandardCharsets.US_ASCII));
    }
  }

  @Test
  void runtimeLoadedPluginServesFromTheInterpreterThenFromCompiledCode() throws Exception {
    try (PluginHost host =
        PluginHost.start(TestPlugins.source("constant", Engine.INTERPRETER), LIMITS)) {
      long start = System.nanoTime();
      PluginVersion loaded = host.load(PluginSource.wasm("echo", TestPlugins.bytes("echo")));
      byte[] input = TestPlugins.spin(10, 5);
      byte[] first = host.call(input);
      long firstCallMs = (System.nanoTime() - start) / 1_000_000;
      assertThat(first).isEqualTo(input);
      assertThat(loaded.engine()).isEqualTo(Engine.INTERPRETER);
      assertThat(firstCallMs).as("load + first call, generous bound").isLessThan(5_000);

      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      while (host.version().engine() != Engine.RUNTIME_COMPILED && System.nanoTime() < deadline) {
        Thread.sleep(10);
      }
      assertThat(host.version().engine()).isEqualTo(Engine.RUNTIME_COMPILED);
      assertThat(host.version().digest()).isEqualTo(loaded.digest());
      assertThat(host.call(input)).isEqualTo(input);
    }
  }

  @Test
  void closedHostRefusesCalls() {
    PluginHost host = PluginHost.start(TestPlugins.source("constant", Engine.INTERPRETER), LIMITS);
    host.close();
    assertThatThrownBy(() -> host.call(new byte[0])).isInstanceOf(IllegalStateException.class);
  }
}
