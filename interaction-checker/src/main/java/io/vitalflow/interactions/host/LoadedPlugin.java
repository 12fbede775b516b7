package io.vitalflow.interactions.host;

import com.dylibso.chicory.runtime.Instance;
import com.dylibso.chicory.runtime.Machine;
import com.dylibso.chicory.wasm.WasmModule;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * One plugin version with its pool of idle instances. The module and machine factory are shared (immutable);
 * instances are handed to one caller at a time. A retired version (replaced by a reload) lets its in-flight
 * calls finish and then drops their instances instead of pooling them.
 */
final class LoadedPlugin {

    private final PluginVersion version;
    private final WasmModule module;
    private final Function<Instance, Machine> machineFactory;
    private final PluginLimits limits;
    private final Watchdog watchdog;
    private final ConcurrentLinkedDeque<PluginInstance> idle = new ConcurrentLinkedDeque<>();
    private final AtomicInteger idleCount = new AtomicInteger();
    private volatile boolean retired;

    LoadedPlugin(PluginVersion version, WasmModule module, Function<Instance, Machine> machineFactory,
            PluginLimits limits, Watchdog watchdog) {
        this.version = version;
        this.module = module;
        this.machineFactory = machineFactory;
        this.limits = limits;
        this.watchdog = watchdog;
        if (module.importSection().importCount() > 0) {
            var first = module.importSection().getImport(0);
            throw new PluginAbiException(version + " imports " + first.module() + "." + first.name()
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

    PluginLimits limits() {
        return limits;
    }

    /** An idle instance, or a new one from the shared module (~tens of microseconds once compiled). */
    PluginInstance acquire() {
        PluginInstance instance = idle.pollFirst();
        if (instance != null) {
            idleCount.decrementAndGet();
            return instance;
        }
        return newInstance();
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

    /** Returns a healthy instance to the pool; broken ones, extras and those of a retired version are dropped. */
    void release(PluginInstance instance) {
        if (instance.broken() || retired) {
            discard(instance);
            return;
        }
        if (idleCount.incrementAndGet() > limits.maxIdleInstances()) {
            idleCount.decrementAndGet();
            discard(instance);
            return;
        }
        idle.offerFirst(instance);
        if (retired && idle.remove(instance)) { // raced with retire()
            idleCount.decrementAndGet();
            discard(instance);
        }
    }

    void discard(PluginInstance instance) {
        watchdog.unregister(instance.guard());
    }

    void retire() {
        retired = true;
        PluginInstance instance;
        while ((instance = idle.pollFirst()) != null) {
            idleCount.decrementAndGet();
            discard(instance);
        }
    }

    int idleInstances() {
        return idleCount.get();
    }
}
