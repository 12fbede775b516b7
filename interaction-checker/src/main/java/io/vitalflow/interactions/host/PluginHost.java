package io.vitalflow.interactions.host;

import com.dylibso.chicory.compiler.MachineFactoryCompiler;
import com.dylibso.chicory.runtime.Instance;
import com.dylibso.chicory.runtime.Machine;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a WebAssembly plugin that follows the VitalFlow plugin ABI (version 1, see {@code
 * docs/interaction-checker.md}) inside a sandbox: pooled instances (never one instance on two
 * threads), capped memory, a deadline on every call enforced by one watchdog thread, failures
 * turned into {@link PluginException}s, no host imports. Thread-safe.
 *
 * <p>A new plugin version can be {@linkplain #load(PluginSource) loaded} while calls are running:
 * they finish on the old version, later calls get the new one.
 */
public final class PluginHost implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(PluginHost.class);

  private final PluginLimits limits;
  private final Watchdog watchdog;
  private final ExecutorService compiler;
  private final AtomicReference<LoadedPlugin> current = new AtomicReference<>();
  private volatile boolean closed;

  private PluginHost(PluginSource source, PluginLimits limits) {
    this.limits = limits;
    this.watchdog = Watchdog.forDeadline("plugin-watchdog-" + source.name(), limits.deadline());
    this.compiler =
        Executors.newSingleThreadExecutor(
            r -> {
              Thread t = new Thread(r, "plugin-compiler-" + source.name());
              t.setDaemon(true);
              return t;
            });
    try {
      load(source);
    } catch (RuntimeException e) {
      close();
      throw e;
    }
  }

  public static PluginHost start(PluginSource source) {
    return start(source, PluginLimits.defaults());
  }

  public static PluginHost start(PluginSource source, PluginLimits limits) {
    return new PluginHost(
        Objects.requireNonNull(source, "source"), Objects.requireNonNull(limits, "limits"));
  }

  /**
   * Calls {@code check} with {@code input} and returns a copy of the plugin's result bytes.
   *
   * @throws PluginException the plugin timed out, trapped, ran out of memory or broke the ABI; the
   *     instance is discarded and the next call gets a fresh one
   */
  public byte[] call(byte[] input) {
    Objects.requireNonNull(input, "input");
    LoadedPlugin plugin = plugin();
    PluginInstance instance = plugin.acquire();
    try {
      return instance.check(input);
    } finally {
      plugin.release(instance);
    }
  }

  /** The plugin's self-description (the optional {@code describe} export). */
  public byte[] describe() {
    LoadedPlugin plugin = plugin();
    PluginInstance instance = plugin.acquire();
    try {
      return instance.describe();
    } finally {
      plugin.release(instance);
    }
  }

  /**
   * Loads a new plugin version and routes new calls to it; calls already running finish on the old
   * one. The new version is validated (exports, ABI version, memory) with one warm instance before
   * it is swapped in, so a bad plugin never replaces a good one. A {@link PluginSource#wasm
   * runtime-loaded} plugin serves from the interpreter at once and is replaced by its
   * runtime-compiled form when that is ready.
   */
  public PluginVersion load(PluginSource source) {
    ensureOpen();
    LoadedPlugin next = open(source.version(), source, source.machineFactory());
    LoadedPlugin old = current.getAndSet(next);
    if (old != null) {
      old.retire();
      log.info("plugin {} replaced by {}", old.version(), next.version());
    } else {
      log.info("plugin {} loaded", next.version());
    }
    if (source.compileInBackground()) {
      compiler.execute(() -> compile(source, next));
    }
    return next.version();
  }

  private void compile(PluginSource source, LoadedPlugin interpreted) {
    if (closed || current.get() != interpreted) {
      return;
    }
    try {
      long start = System.nanoTime();
      Function<Instance, Machine> factory = MachineFactoryCompiler.compile(source.module());
      PluginVersion v =
          new PluginVersion(source.name(), interpreted.version().digest(), Engine.RUNTIME_COMPILED);
      LoadedPlugin compiled = open(v, source, factory);
      if (current.compareAndSet(interpreted, compiled)) {
        interpreted.retire();
        log.info(
            "plugin {} compiled in {} ms, now serving", v, (System.nanoTime() - start) / 1_000_000);
      }
    } catch (RuntimeException e) {
      log.warn(
          "plugin {} could not be compiled; it keeps running in the interpreter",
          interpreted.version(),
          e);
    }
  }

  private LoadedPlugin open(
      PluginVersion version, PluginSource source, Function<Instance, Machine> factory) {
    LoadedPlugin plugin =
        new LoadedPlugin(version, source.module(), factory, source.data(), limits, watchdog);
    plugin.release(plugin.newInstance()); // validates the ABI and keeps one instance warm
    return plugin;
  }

  /** The version new calls go to. */
  public PluginVersion version() {
    return plugin().version();
  }

  public PluginLimits limits() {
    return limits;
  }

  /** Idle instances of the current version (for tests and metrics). */
  public int idleInstances() {
    return plugin().idleInstances();
  }

  private LoadedPlugin plugin() {
    ensureOpen();
    return current.get();
  }

  private void ensureOpen() {
    if (closed) {
      throw new IllegalStateException("plugin host is closed");
    }
  }

  @Override
  public void close() {
    closed = true;
    compiler.shutdownNow();
    watchdog.close();
    LoadedPlugin plugin = current.getAndSet(null);
    if (plugin != null) {
      plugin.retire();
    }
    try {
      compiler.awaitTermination(1, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
