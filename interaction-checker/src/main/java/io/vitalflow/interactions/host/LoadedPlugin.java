package io.vitalflow.interactions.host;

import com.dylibso.chicory.runtime.Instance;
import com.dylibso.chicory.runtime.Machine;
import com.dylibso.chicory.wasm.WasmModule;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.function.Function;

/**
 * One plugin version with its pool of idle instances. The module and machine factory are shared
 * (immutable); instances are handed to one caller at a time. A retired version (replaced by a
 * reload) lets its in-flight calls finish and then drops their instances instead of pooling them.
 */
final class LoadedPlugin {

  private final PluginVersion version;
  private final WasmModule module;
  private final Function<Instance, Machine> machineFactory;
  private final byte[] data;
  private final PluginLimits limits;
  private final Watchdog watchdog;

  /**
   * Idle instances, one slot each ({@code maxIdleInstances} slots). A caller starts probing at a
   * slot derived from its thread, so a thread usually gets back the instance it used last and two
   * threads rarely touch the same slot: checkout and return are one atomic swap each, without the
   * node allocation of a queue.
   */
  private final AtomicReferenceArray<PluginInstance> idle;

  private volatile boolean retired;

  LoadedPlugin(
      PluginVersion version,
      WasmModule module,
      Function<Instance, Machine> machineFactory,
      byte[] data,
      PluginLimits limits,
      Watchdog watchdog) {
    this.version = version;
    this.module = module;
    this.machineFactory = machineFactory;
    this.data = data;
    this.limits = limits;
    this.watchdog = watchdog;
    this.idle = new AtomicReferenceArray<>(limits.maxIdleInstances());
    if (module.importSection().importCount() > 0) {
      var first = module.importSection().getImport(0);
      throw new PluginAbiException(
          version
              + " imports "
              + first.module()
              + "."
              + first.name()
              + "; plugins get no host imports");
    }
  }

  PluginVersion version() {
    return version;
  }

  WasmModule module() {
    return module;
  }

  Function<Instance, Machine> machineFactory() {
    return machineFactory;
  }

  /** Data for the plugin's {@code configure} export, or null. */
  byte[] data() {
    return data;
  }

  PluginLimits limits() {
    return limits;
  }

  /**
   * An idle instance, or a new one from the shared module (~tens of microseconds once compiled).
   */
  PluginInstance acquire() {
    int n = idle.length();
    int start = home(n);
    for (int i = 0; i < n; i++) {
      int slot = (start + i) % n;
      if (idle.getPlain(slot) != null) {
        PluginInstance instance = idle.getAndSet(slot, null);
        if (instance != null) {
          return instance;
        }
      }
    }
    return newInstance();
  }

  private static int home(int slots) {
    return slots <= 1 ? 0 : (int) (Thread.currentThread().getId() % slots);
  }

  PluginInstance newInstance() {
    CallGuard guard = watchdog.register();
    try {
      return new PluginInstance(this, guard);
    } catch (RuntimeException e) {
      watchdog.unregister(guard);
      throw e;
    }
  }

  /**
   * Returns a healthy instance to the pool; broken ones, extras and those of a retired version are
   * dropped.
   */
  void release(PluginInstance instance) {
    if (instance.broken() || retired) {
      discard(instance);
      return;
    }
    int n = idle.length();
    int start = home(n);
    for (int i = 0; i < n; i++) {
      int slot = (start + i) % n;
      if (idle.getPlain(slot) == null && idle.compareAndSet(slot, null, instance)) {
        if (retired && idle.compareAndSet(slot, instance, null)) { // raced with retire()
          discard(instance);
        }
        return;
      }
    }
    discard(instance); // the pool is full
  }

  void discard(PluginInstance instance) {
    watchdog.unregister(instance.guard());
  }

  void retire() {
    retired = true;
    for (int slot = 0; slot < idle.length(); slot++) {
      PluginInstance instance = idle.getAndSet(slot, null);
      if (instance != null) {
        discard(instance);
      }
    }
  }

  int idleInstances() {
    int count = 0;
    for (int slot = 0; slot < idle.length(); slot++) {
      if (idle.get(slot) != null) {
        count++;
      }
    }
    return count;
  }
}
