package io.vitalflow.interactions.extism;

import com.dylibso.chicory.runtime.ByteArrayMemory;
import com.dylibso.chicory.runtime.ExportFunction;
import com.dylibso.chicory.runtime.ImportValues;
import com.dylibso.chicory.runtime.Instance;
import com.dylibso.chicory.runtime.Memory;
import com.dylibso.chicory.wasm.ChicoryException;
import com.dylibso.chicory.wasm.types.MemoryLimits;
import io.vitalflow.interactions.host.CallGuard;
import io.vitalflow.interactions.host.PluginAbiException;
import io.vitalflow.interactions.host.PluginException;
import io.vitalflow.interactions.host.PluginMemoryException;
import java.util.HashMap;
import java.util.Map;

/**
 * One Chicory instance of an Extism plugin with its kernel, used by one thread at a time. Every
 * entry into the plugin (instantiation, which runs the module's start function, and each call) runs
 * under the instance's {@link CallGuard}; a trap, timeout or denied request marks it broken and it
 * is discarded.
 */
final class ExtismInstance {

  private final ExtismPlugin plugin;
  private final CallGuard guard;
  private final ExtismKernel kernel;
  private final Instance instance;
  private final Memory memory;
  private final Map<String, ExportFunction> exports = new HashMap<>();
  private boolean broken;

  ExtismInstance(ExtismPlugin plugin, CallGuard guard) {
    this.plugin = plugin;
    this.guard = guard;
    var options = plugin.options();
    int cap = options.limits().maxMemoryPages();
    this.kernel =
        new ExtismKernel(
            plugin.name(), cap * Memory.PAGE_SIZE, options.maxVarBytes(), options.config());
    var imports = ImportValues.builder();
    for (String name : plugin.imports()) {
      imports.addFunction(kernel.hostFunction(name));
    }
    var builder =
        Instance.builder(plugin.module())
            .withImportValues(imports.build())
            .withMemoryFactory(ByteArrayMemory::new);
    var memorySection = plugin.module().memorySection().filter(s -> s.memoryCount() > 0);
    if (memorySection.isPresent()) {
      int initial = memorySection.get().getMemory(0).limits().initialPages();
      if (initial > cap) {
        throw new PluginMemoryException(
            plugin.name() + " needs " + initial + " pages of memory at start; the cap is " + cap);
      }
      builder.withMemoryLimits(new MemoryLimits(initial, cap));
    }
    if (plugin.machineFactory() != null) {
      builder.withMachineFactory(plugin.machineFactory());
    }
    Instance[] built = new Instance[1];
    try {
      guard.run(
          plugin.name() + " (start)",
          options.limits().deadline(),
          null,
          () -> {
            built[0] = builder.build();
            return null;
          });
    } catch (PluginException e) {
      throw e;
    } catch (ChicoryException e) {
      throw new PluginAbiException(
          "cannot instantiate " + plugin.name() + ": " + e.getMessage(), e);
    }
    this.instance = built[0];
    this.memory = memorySection.isPresent() ? instance.memory() : null;
  }

  CallGuard guard() {
    return guard;
  }

  boolean broken() {
    return broken;
  }

  /** Calls the Extism function {@code name} with {@code input}; returns a copy of its output. */
  byte[] call(String name, byte[] input) {
    ExportFunction function = exports.computeIfAbsent(name, instance::export);
    kernel.begin(input);
    long[] result;
    try {
      result =
          guard.run(
              plugin.name(), plugin.options().limits().deadline(), memory, () -> function.apply());
    } catch (PluginException e) {
      broken = true;
      throw e;
    }
    int rc = result == null || result.length == 0 ? 0 : (int) result[0];
    String error = kernel.error();
    if (rc != 0 || error != null) {
      throw new ExtismErrorException(
          plugin.name()
              + " "
              + name
              + " failed"
              + (rc != 0 ? " with code " + rc : "")
              + (error != null ? ": " + error : ""),
          name,
          rc,
          error);
    }
    try {
      return kernel.output();
    } catch (PluginException e) {
      broken = true;
      throw e;
    }
  }
}
