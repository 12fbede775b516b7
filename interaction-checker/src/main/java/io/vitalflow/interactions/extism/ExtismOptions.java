package io.vitalflow.interactions.extism;

import io.vitalflow.interactions.host.Engine;
import io.vitalflow.interactions.host.PluginLimits;
import java.util.Map;
import java.util.Objects;

/**
 * How an Extism plugin runs.
 *
 * @param limits the sandbox limits of our own host: the memory cap applies to the plugin's linear
 *     memory and, separately, to its kernel memory; the deadline to every call; the pool size to
 *     idle instances
 * @param config the Extism config the plugin reads with {@code config_get}
 * @param engine {@link Engine#INTERPRETER} (loads fastest) or {@link Engine#RUNTIME_COMPILED}
 *     (compiled to JVM bytecode at load, fast calls)
 * @param maxVarBytes limit of the Extism vars (keys and values) of one instance
 */
public record ExtismOptions(
    PluginLimits limits, Map<String, String> config, Engine engine, int maxVarBytes) {

  public ExtismOptions {
    Objects.requireNonNull(limits, "limits");
    config = Map.copyOf(config);
    Objects.requireNonNull(engine, "engine");
    if (engine == Engine.AOT) {
      throw new IllegalArgumentException(
          "Extism plugins are loaded at run time: INTERPRETER or RUNTIME_COMPILED");
    }
    if (maxVarBytes < 0) {
      throw new IllegalArgumentException("maxVarBytes must not be negative: " + maxVarBytes);
    }
  }

  /** Our default limits, no config, the interpreter, 1 MiB of vars (Extism's default). */
  public static ExtismOptions defaults() {
    return new ExtismOptions(PluginLimits.defaults(), Map.of(), Engine.INTERPRETER, 1 << 20);
  }

  public ExtismOptions withLimits(PluginLimits l) {
    return new ExtismOptions(l, config, engine, maxVarBytes);
  }

  public ExtismOptions withConfig(Map<String, String> c) {
    return new ExtismOptions(limits, c, engine, maxVarBytes);
  }

  public ExtismOptions withEngine(Engine e) {
    return new ExtismOptions(limits, config, e, maxVarBytes);
  }
}
