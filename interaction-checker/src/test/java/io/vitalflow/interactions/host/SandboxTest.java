package io.vitalflow.interactions.host;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Each sandbox promise, proved with a real misbehaving .wasm on both run-time engines. */
class SandboxTest {

  private static final PluginLimits LIMITS =
      PluginLimits.defaults().withMaxMemoryPages(4).withDeadline(Duration.ofMillis(200));

  @ParameterizedTest
  @EnumSource(
      value = Engine.class,
      names = {"INTERPRETER", "RUNTIME_COMPILED"})
  void runawayLoopIsInterruptedAtItsDeadline(Engine engine) {
    try (PluginHost host = PluginHost.start(TestPlugins.source("loop", engine), LIMITS)) {
      long start = System.nanoTime();
      assertThatThrownBy(() -> host.call(new byte[] {1}))
          .isInstanceOf(PluginTimeoutException.class)
          .hasMessageContaining("deadline");
      long tookMs = (System.nanoTime() - start) / 1_000_000;
      assertThat(tookMs)
          .isBetween(150L, 10_000L); // generous: only proves the deadline, not precision
      assertThat(Thread.currentThread().isInterrupted()).as("interrupt flag cleared").isFalse();
    }
  }

  @ParameterizedTest
  @EnumSource(
      value = Engine.class,
      names = {"INTERPRETER", "RUNTIME_COMPILED"})
  void timedOutInstanceIsReplacedAndTheNextCallWorks(Engine engine) {
    try (PluginHost host = PluginHost.start(TestPlugins.source("echo", engine), LIMITS)) {
      assertThatThrownBy(() -> host.call(TestPlugins.spin(0xFFFF_FFFFL, 7)))
          .isInstanceOf(PluginTimeoutException.class);
      byte[] quick = TestPlugins.spin(10, 42);
      assertThat(host.call(quick)).isEqualTo(quick);
      assertThat(host.idleInstances()).isEqualTo(1);
    }
  }

  @ParameterizedTest
  @EnumSource(
      value = Engine.class,
      names = {"INTERPRETER", "RUNTIME_COMPILED"})
  void memoryGrabStopsAtTheCap(Engine engine) {
    try (PluginHost host = PluginHost.start(TestPlugins.source("grow", engine), LIMITS)) {
      assertThatThrownBy(() -> host.call(new byte[] {1}))
          .isInstanceOf(PluginMemoryException.class)
          .hasMessageContaining("memory cap of 4 pages");
      // the broken instance is gone; a fresh one fails the same typed way, not worse
      assertThatThrownBy(() -> host.call(new byte[] {1})).isInstanceOf(PluginMemoryException.class);
    }
  }

  @ParameterizedTest
  @EnumSource(
      value = Engine.class,
      names = {"INTERPRETER", "RUNTIME_COMPILED"})
  void trapBecomesTypedError(Engine engine) {
    try (PluginHost host = PluginHost.start(TestPlugins.source("trap", engine), LIMITS)) {
      assertThatThrownBy(() -> host.call(new byte[] {1}))
          .isInstanceOf(PluginTrapException.class)
          .isNotInstanceOf(PluginStackOverflowException.class)
          .hasMessageContaining("unreachable");
      assertThat(host.idleInstances()).isZero();
    }
  }

  @ParameterizedTest
  @EnumSource(
      value = Engine.class,
      names = {"INTERPRETER", "RUNTIME_COMPILED"})
  void deepRecursionExhaustsTheStackAsTypedError(Engine engine) {
    try (PluginHost host =
        PluginHost.start(
            TestPlugins.source("recurse", engine), LIMITS.withDeadline(Duration.ofSeconds(10)))) {
      assertThatThrownBy(() -> host.call(new byte[] {1}))
          .isInstanceOf(PluginStackOverflowException.class);
    }
  }

  @ParameterizedTest
  @EnumSource(
      value = Engine.class,
      names = {"INTERPRETER", "RUNTIME_COMPILED"})
  void resultOutsideMemoryIsAnAbiError(Engine engine) {
    try (PluginHost host = PluginHost.start(TestPlugins.source("outside", engine), LIMITS)) {
      assertThatThrownBy(() -> host.call(new byte[] {1}))
          .isInstanceOf(PluginAbiException.class)
          .hasMessageContaining("outside its memory");
    }
  }

  @ParameterizedTest
  @EnumSource(
      value = Engine.class,
      names = {"INTERPRETER", "RUNTIME_COMPILED"})
  void pluginsAskingForHostImportsAreRefused(Engine engine) {
    assertThatThrownBy(() -> PluginHost.start(TestPlugins.source("imports", engine), LIMITS))
        .isInstanceOf(PluginAbiException.class)
        .hasMessageContaining("imports env.log");
  }

  @ParameterizedTest
  @EnumSource(
      value = Engine.class,
      names = {"INTERPRETER", "RUNTIME_COMPILED"})
  void otherAbiVersionsAreRefused(Engine engine) {
    assertThatThrownBy(() -> PluginHost.start(TestPlugins.source("abi3", engine), LIMITS))
        .isInstanceOf(PluginAbiException.class)
        .hasMessageContaining("ABI version 3");
  }
}
