package io.vitalflow.interactions.extism;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vitalflow.interactions.host.Engine;
import io.vitalflow.interactions.host.PluginAbiException;
import io.vitalflow.interactions.host.PluginException;
import io.vitalflow.interactions.host.PluginTimeoutException;
import io.vitalflow.interactions.host.PluginTrapException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The Extism host's sandbox promises, proved with the as-pdk sample plugin's misbehaving exports.
 */
@Timeout(60) // a broken deadline fails the loop test instead of hanging the build
class ExtismPluginTest {

  private static final byte[] CHECK_WARFARIN_IBUPROFEN =
      "{\"medications\":[{\"rxcui\":\"11289\"},{\"name\":\"ibuprofen\"}]}"
          .getBytes(StandardCharsets.UTF_8);

  private static String text(byte[] b) {
    return new String(b, StandardCharsets.UTF_8);
  }

  @Test
  void hostProvidesEveryFunctionTheAsPdkPluginImports() {
    try (ExtismPlugin plugin = ExtismTestPlugins.sample(Engine.INTERPRETER)) {
      // as listed by wasm-objdump -x for the as-pdk 1.0.0 build (all of as-pdk's imports but free)
      assertThat(plugin.imports())
          .containsExactlyInAnyOrder(
              "input_length",
              "input_load_u8",
              "input_load_u64",
              "output_set",
              "error_set",
              "alloc",
              "length",
              "load_u8",
              "load_u64",
              "store_u8",
              "store_u64",
              "config_get",
              "var_get",
              "var_set",
              "http_request",
              "log_debug",
              "log_info",
              "log_warn",
              "log_error");
      assertThat(ExtismPlugin.supportedHostFunctions())
          .containsAll(plugin.imports())
          .contains("free");
      assertThat(plugin.functions())
          .contains("check", "greet", "loop_forever", "trap", "fail", "fetch");
    }
  }

  @ParameterizedTest
  @EnumSource(
      value = Engine.class,
      names = {"INTERPRETER", "RUNTIME_COMPILED"})
  void errorSetGivesTypedErrorWithThePluginsMessage(Engine engine) {
    try (ExtismPlugin plugin = ExtismTestPlugins.sample(engine)) {
      assertThatThrownBy(() -> plugin.call("fail", new byte[0]))
          .isInstanceOfSatisfying(
              ExtismErrorException.class,
              e -> {
                assertThat(e.pluginMessage()).isEqualTo("the sample plugin was asked to fail");
                assertThat(e.returnCode()).isEqualTo(1);
                assertThat(e.function()).isEqualTo("fail");
              })
          .hasMessageContaining("the sample plugin was asked to fail");
      // not a trap: the instance stays healthy and is pooled
      assertThat(plugin.idleInstances()).isEqualTo(1);
      assertThat(text(plugin.call("check", CHECK_WARFARIN_IBUPROFEN))).contains("SAMPLE-WARF-IBU");
    }
  }

  @ParameterizedTest
  @EnumSource(
      value = Engine.class,
      names = {"INTERPRETER", "RUNTIME_COMPILED"})
  void malformedInputIsReportedThroughErrorSet(Engine engine) {
    try (ExtismPlugin plugin = ExtismTestPlugins.sample(engine)) {
      assertThatThrownBy(
              () -> plugin.call("check", "{\"medications\":[".getBytes(StandardCharsets.UTF_8)))
          .isInstanceOfSatisfying(
              ExtismErrorException.class,
              e -> assertThat(e.pluginMessage()).startsWith("malformed request"));
    }
  }

  @ParameterizedTest
  @EnumSource(
      value = Engine.class,
      names = {"INTERPRETER", "RUNTIME_COMPILED"})
  void infiniteLoopIsInterruptedAndTheNextCallWorks(Engine engine) {
    try (ExtismPlugin plugin =
        ExtismTestPlugins.sample(
            engine, ExtismTestPlugins.LIMITS.withDeadline(Duration.ofMillis(300)), Map.of())) {
      long start = System.nanoTime();
      assertThatThrownBy(() -> plugin.call("loop_forever", new byte[] {1}))
          .isInstanceOf(PluginTimeoutException.class)
          .hasMessageContaining("deadline of 300 ms");
      long tookMs = (System.nanoTime() - start) / 1_000_000;
      assertThat(tookMs).isBetween(250L, 10_000L);
      assertThat(Thread.currentThread().isInterrupted()).as("interrupt flag cleared").isFalse();
      assertThat(plugin.idleInstances()).as("the interrupted instance was discarded").isZero();
      assertThat(text(plugin.call("check", CHECK_WARFARIN_IBUPROFEN))).contains("SAMPLE-WARF-IBU");
      assertThat(plugin.idleInstances()).isEqualTo(1);
    }
  }

  @ParameterizedTest
  @EnumSource(
      value = Engine.class,
      names = {"INTERPRETER", "RUNTIME_COMPILED"})
  void trapIsTypedError(Engine engine) {
    try (ExtismPlugin plugin = ExtismTestPlugins.sample(engine)) {
      assertThatThrownBy(() -> plugin.call("trap", new byte[0]))
          .isInstanceOf(PluginTrapException.class)
          .hasMessageContaining("unreachable");
      assertThat(plugin.idleInstances()).isZero();
      assertThat(text(plugin.call("check", CHECK_WARFARIN_IBUPROFEN))).contains("SAMPLE-WARF-IBU");
    }
  }

  @ParameterizedTest
  @EnumSource(
      value = Engine.class,
      names = {"INTERPRETER", "RUNTIME_COMPILED"})
  void httpRequestIsRefused(Engine engine) {
    try (ExtismPlugin plugin = ExtismTestPlugins.sample(engine)) {
      assertThatThrownBy(() -> plugin.call("fetch", new byte[0]))
          .isInstanceOf(ExtismDeniedException.class)
          .hasMessageContaining("http_request")
          .hasMessageContaining("no network");
      assertThat(plugin.idleInstances()).isZero();
    }
  }

  @ParameterizedTest
  @EnumSource(
      value = Engine.class,
      names = {"INTERPRETER", "RUNTIME_COMPILED"})
  void configAndVarsReachThePlugin(Engine engine) {
    try (ExtismPlugin plugin =
        ExtismTestPlugins.sample(engine, ExtismTestPlugins.LIMITS, Map.of("greeting", "grüezi"))) {
      assertThat(text(plugin.call("greet", "one".getBytes(StandardCharsets.UTF_8))))
          .isEqualTo("{\"greeting\":\"grüezi\",\"calls\":1,\"input\":\"one\"}");
      // vars live on with the (pooled) instance between calls
      assertThat(text(plugin.call("greet", "two".getBytes(StandardCharsets.UTF_8))))
          .isEqualTo("{\"greeting\":\"grüezi\",\"calls\":2,\"input\":\"two\"}");
    }
    try (ExtismPlugin plugin = ExtismTestPlugins.sample(Engine.INTERPRETER)) {
      assertThat(text(plugin.call("greet", new byte[0])))
          .startsWith("{\"greeting\":null,\"calls\":1");
    }
  }

  @Test
  void unknownExportIsAnAbiError() {
    try (ExtismPlugin plugin = ExtismTestPlugins.sample(Engine.INTERPRETER)) {
      assertThatThrownBy(() -> plugin.call("nope", new byte[0]))
          .isInstanceOf(PluginAbiException.class)
          .hasMessageContaining("exports no Extism function nope");
    }
  }

  @Test
  void unknownHostFunctionFailsToLoad() {
    byte[] wasm = ExtismTestPlugins.resource("/plugins/extism_unknown_import.wasm");
    assertThatThrownBy(() -> ExtismPlugin.load("unknown-import", wasm))
        .isInstanceOf(PluginAbiException.class)
        .hasMessageContaining("extism:host/env.socket_connect")
        .hasMessageContaining("does not provide");
  }

  @Test
  void hostFunctionWithTheWrongTypeFailsToLoad() {
    byte[] wasm = ExtismTestPlugins.resource("/plugins/extism_bad_type.wasm");
    assertThatThrownBy(() -> ExtismPlugin.load("bad-type", wasm))
        .isInstanceOf(PluginAbiException.class)
        .hasMessageContaining("extism:host/env.alloc with type");
  }

  @Test
  void garbageIsNotAPlugin() {
    assertThatThrownBy(() -> ExtismPlugin.load("garbage", new byte[] {1, 2, 3}))
        .isInstanceOf(PluginAbiException.class)
        .hasMessageContaining("not a valid WebAssembly module");
  }

  @Test
  void closedPluginRefusesCalls() {
    ExtismPlugin plugin = ExtismTestPlugins.sample(Engine.INTERPRETER);
    plugin.close();
    assertThatThrownBy(() -> plugin.call("check", CHECK_WARFARIN_IBUPROFEN))
        .isInstanceOf(IllegalStateException.class)
        .isNotInstanceOf(PluginException.class);
  }
}
