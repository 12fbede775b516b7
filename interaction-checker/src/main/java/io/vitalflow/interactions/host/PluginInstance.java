package io.vitalflow.interactions.host;

import com.dylibso.chicory.runtime.ByteArrayMemory;
import com.dylibso.chicory.runtime.ExportFunction;
import com.dylibso.chicory.runtime.Instance;
import com.dylibso.chicory.runtime.Memory;
import com.dylibso.chicory.wasm.ChicoryException;
import com.dylibso.chicory.wasm.WasmModule;
import com.dylibso.chicory.wasm.types.FunctionType;
import com.dylibso.chicory.wasm.types.MemoryLimits;
import com.dylibso.chicory.wasm.types.ValType;
import java.util.List;

/**
 * One Chicory instance of a plugin, used by one thread at a time (an {@link Instance} is not
 * thread-safe). Every call runs under the instance's {@link CallGuard}; any failure marks the
 * instance broken and it is discarded.
 */
final class PluginInstance {

  /**
   * Version 1: alloc/dealloc/check(/describe). Version 2 adds {@code configure(ptr, len) -> i32} (0
   * = accepted).
   */
  static final int ABI_VERSION = 1;

  static final int ABI_VERSION_DATA = 2;

  private static final FunctionType ABI_VERSION_TYPE =
      FunctionType.of(List.of(), List.of(ValType.I32));
  private static final FunctionType ALLOC_TYPE =
      FunctionType.of(List.of(ValType.I32), List.of(ValType.I32));
  private static final FunctionType DEALLOC_TYPE =
      FunctionType.of(List.of(ValType.I32, ValType.I32), List.of());
  private static final FunctionType CHECK_TYPE =
      FunctionType.of(List.of(ValType.I32, ValType.I32), List.of(ValType.I64));
  private static final FunctionType DESCRIBE_TYPE =
      FunctionType.of(List.of(), List.of(ValType.I64));
  private static final FunctionType CONFIGURE_TYPE =
      FunctionType.of(List.of(ValType.I32, ValType.I32), List.of(ValType.I32));

  private final LoadedPlugin plugin;
  private final Instance instance;
  private final Memory memory;
  private final ExportFunction alloc;
  private final ExportFunction dealloc;
  private final ExportFunction check;
  private final ExportFunction describe;
  private final CallGuard guard;

  /** The version as messages name it, built once (not on every call). */
  private final String who;

  private int inputPtr;
  private int inputCapacity;
  private boolean broken;

  PluginInstance(LoadedPlugin plugin, CallGuard guard) {
    this.plugin = plugin;
    this.guard = guard;
    this.who = plugin.version().toString();
    WasmModule module = plugin.module();
    int cap = plugin.limits().maxMemoryPages();
    int initial =
        module
            .memorySection()
            .filter(s -> s.memoryCount() > 0)
            .map(s -> s.getMemory(0).limits().initialPages())
            .orElseThrow(() -> new PluginAbiException(plugin.version() + " defines no memory"));
    if (initial > cap) {
      throw new PluginMemoryException(
          plugin.version() + " needs " + initial + " pages of memory at start; the cap is " + cap);
    }
    var builder =
        Instance.builder(module)
            .withMemoryLimits(new MemoryLimits(initial, cap))
            .withMemoryFactory(ByteArrayMemory::new);
    if (plugin.machineFactory() != null) {
      builder.withMachineFactory(plugin.machineFactory());
    }
    try {
      this.instance = builder.build();
    } catch (ChicoryException e) {
      throw new PluginAbiException(
          "cannot instantiate " + plugin.version() + ": " + e.getMessage(), e);
    }
    this.memory = instance.memory();
    ExportFunction abiVersion = export("abi_version", ABI_VERSION_TYPE);
    this.alloc = export("alloc", ALLOC_TYPE);
    this.dealloc = export("dealloc", DEALLOC_TYPE);
    this.check = export("check", CHECK_TYPE);
    this.describe = hasExport("describe") ? export("describe", DESCRIBE_TYPE) : null;
    long version = call(abiVersion)[0];
    if (version != ABI_VERSION && version != ABI_VERSION_DATA) {
      throw new PluginAbiException(
          plugin.version()
              + " speaks ABI version "
              + version
              + "; this host speaks "
              + ABI_VERSION
              + " and "
              + ABI_VERSION_DATA);
    }
    byte[] data = plugin.data();
    if (version == ABI_VERSION_DATA) {
      configure(export("configure", CONFIGURE_TYPE), data == null ? new byte[0] : data);
    } else if (data != null) {
      throw new PluginAbiException(plugin.version() + " speaks ABI version 1, which takes no data");
    }
  }

  /**
   * Hands the data to the plugin once, in a buffer from its {@code alloc} that belongs to the
   * plugin when it accepts it (no copy inside the plugin, so a large knowledge image loads in the
   * same time as a small one).
   */
  private void configure(ExportFunction configure, byte[] data) {
    int ptr = 0;
    if (data.length > 0) {
      ptr = (int) call(alloc, data.length)[0];
      if (ptr == 0) {
        throw new PluginMemoryException(
            plugin.version()
                + " could not allocate "
                + data.length
                + " bytes for its data within its cap of "
                + memory.maximumPages()
                + " pages");
      }
      memory.write(ptr, data);
    }
    long status = call(configure, ptr, data.length)[0];
    if (status != 0) {
      if (ptr != 0) {
        call(dealloc, ptr, data.length);
      }
      throw new PluginAbiException(
          plugin.version() + " refused its data (configure returned " + status + ")");
    }
  }

  LoadedPlugin plugin() {
    return plugin;
  }

  CallGuard guard() {
    return guard;
  }

  boolean broken() {
    return broken;
  }

  /** Copies {@code input} into the plugin, runs {@code check} and copies the result out. */
  byte[] check(byte[] input) {
    if (input.length > inputCapacity) {
      growInput(input.length);
    }
    if (input.length > 0) {
      memory.write(inputPtr, input);
    }
    return result(call(check, inputPtr, input.length)[0], "check");
  }

  byte[] describe() {
    if (describe == null) {
      throw new PluginAbiException(plugin.version() + " does not export describe");
    }
    return result(call(describe)[0], "describe");
  }

  private void growInput(int needed) {
    if (inputPtr != 0) {
      call(dealloc, inputPtr, inputCapacity);
      inputPtr = 0;
      inputCapacity = 0;
    }
    int capacity = Math.max(256, Integer.highestOneBit(needed - 1) << 1);
    int ptr = (int) call(alloc, capacity)[0];
    if (ptr == 0) {
      broken = true;
      throw new PluginMemoryException(
          plugin.version()
              + " could not allocate "
              + capacity
              + " bytes for the input within its cap of "
              + memory.maximumPages()
              + " pages");
    }
    inputPtr = ptr;
    inputCapacity = capacity;
  }

  private byte[] result(long packed, String function) {
    int ptr = (int) (packed >>> 32);
    int len = (int) packed;
    long end = (ptr & 0xFFFFFFFFL) + (len & 0xFFFFFFFFL);
    if (len < 0 || ptr < 0 || end > (long) memory.pages() * Memory.PAGE_SIZE) {
      broken = true;
      throw new PluginAbiException(
          plugin.version()
              + " "
              + function
              + " returned a result outside its memory: ptr="
              + (ptr & 0xFFFFFFFFL)
              + " len="
              + (len & 0xFFFFFFFFL));
    }
    return memory.readBytes(ptr, len);
  }

  /** Runs one export under the deadline; any failure marks this instance broken. */
  private long[] call(ExportFunction function, long... args) {
    try {
      return guard.run(who, plugin.limits().deadline(), memory, () -> function.apply(args));
    } catch (PluginException e) {
      broken = true;
      throw e;
    }
  }

  private boolean hasExport(String name) {
    var exports = plugin.module().exportSection();
    for (int i = 0; i < exports.exportCount(); i++) {
      if (exports.getExport(i).name().equals(name)) {
        return true;
      }
    }
    return false;
  }

  private ExportFunction export(String name, FunctionType type) {
    if (!hasExport(name)) {
      throw new PluginAbiException(plugin.version() + " does not export " + name);
    }
    FunctionType actual;
    try {
      actual = instance.exportType(name);
    } catch (ChicoryException e) {
      throw new PluginAbiException(plugin.version() + " export " + name + " is not a function", e);
    }
    if (!actual.typesMatch(type)) {
      throw new PluginAbiException(
          plugin.version() + " export " + name + " has type " + actual + "; expected " + type);
    }
    return instance.export(name);
  }
}
