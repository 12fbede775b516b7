package io.vitalflow.interactions.extism;

import io.vitalflow.interactions.host.Engine;
import io.vitalflow.interactions.host.PluginLimits;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.Map;

/**
 * The sample as-pdk plugin ({@code extism-plugin/}, built by its build.sh) and the .wat test
 * plugins.
 */
final class ExtismTestPlugins {

  /** Generous for the interpreter on a busy 2-core machine, short enough for the loop tests. */
  static final PluginLimits LIMITS =
      PluginLimits.defaults().withMaxMemoryPages(16).withDeadline(Duration.ofSeconds(2));

  static byte[] resource(String path) {
    try (InputStream in = ExtismTestPlugins.class.getResourceAsStream(path)) {
      if (in == null) {
        throw new IllegalArgumentException("no resource " + path);
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static byte[] sample() {
    return resource("/extism/extism-interactions.wasm");
  }

  static ExtismPlugin sample(Engine engine) {
    return sample(engine, LIMITS, Map.of());
  }

  static ExtismPlugin sample(Engine engine, PluginLimits limits, Map<String, String> config) {
    return ExtismPlugin.load(
        "sample",
        sample(),
        ExtismOptions.defaults().withEngine(engine).withLimits(limits).withConfig(config));
  }

  private ExtismTestPlugins() {}
}
