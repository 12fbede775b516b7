package io.vitalflow.interactions.extism;

import com.dylibso.chicory.runtime.HostFunction;
import com.dylibso.chicory.runtime.WasmFunctionHandle;
import com.dylibso.chicory.wasm.types.FunctionType;
import com.dylibso.chicory.wasm.types.ValType;
import io.vitalflow.interactions.host.PluginMemoryException;
import io.vitalflow.interactions.host.PluginTrapException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Extism kernel's host functions (module {@code extism:host/env}) for one plugin instance: the
 * call's input, its output and error, kernel memory, config, vars and logging. {@code http_request}
 * is refused. Not thread-safe: one per instance, and an instance serves one call at a time.
 */
final class ExtismKernel {

  static final String MODULE = "extism:host/env";

  /** Largest log message passed on; longer ones are cut. */
  private static final int MAX_LOG_CHARS = 4096;

  private static final Logger pluginLog =
      LoggerFactory.getLogger("io.vitalflow.interactions.extism.plugin");

  private static final ValType I32 = ValType.I32;
  private static final ValType I64 = ValType.I64;

  private record Signature(FunctionType type, Function<ExtismKernel, WasmFunctionHandle> handle) {}

  /** Every host function this kernel provides, with its Extism type. */
  private static final Map<String, Signature> FUNCTIONS = new TreeMap<>();

  static {
    fn("input_length", List.of(), List.of(I64), k -> (inst, a) -> new long[] {k.input.length});
    fn("input_load_u8", List.of(I64), List.of(I32), k -> (inst, a) -> new long[] {k.inputU8(a[0])});
    fn(
        "input_load_u64",
        List.of(I64),
        List.of(I64),
        k -> (inst, a) -> new long[] {k.inputU64(a[0])});
    fn("output_set", List.of(I64, I64), List.of(), k -> (inst, a) -> k.outputSet(a[0], a[1]));
    fn("error_set", List.of(I64), List.of(), k -> (inst, a) -> k.errorSet(a[0]));
    fn("alloc", List.of(I64), List.of(I64), k -> (inst, a) -> new long[] {k.memory.alloc(a[0])});
    fn(
        "free",
        List.of(I64),
        List.of(),
        k ->
            (inst, a) -> {
              k.memory.free(a[0]);
              return null;
            });
    fn("length", List.of(I64), List.of(I64), k -> (inst, a) -> new long[] {k.memory.length(a[0])});
    fn(
        "length_unsafe",
        List.of(I64),
        List.of(I64),
        k -> (inst, a) -> new long[] {k.memory.length(a[0])});
    fn("load_u8", List.of(I64), List.of(I32), k -> (inst, a) -> new long[] {k.memory.loadU8(a[0])});
    fn(
        "load_u64",
        List.of(I64),
        List.of(I64),
        k -> (inst, a) -> new long[] {k.memory.loadU64(a[0])});
    fn(
        "store_u8",
        List.of(I64, I32),
        List.of(),
        k ->
            (inst, a) -> {
              k.memory.storeU8(a[0], (int) a[1]);
              return null;
            });
    fn(
        "store_u64",
        List.of(I64, I64),
        List.of(),
        k ->
            (inst, a) -> {
              k.memory.storeU64(a[0], a[1]);
              return null;
            });
    fn("config_get", List.of(I64), List.of(I64), k -> (inst, a) -> new long[] {k.configGet(a[0])});
    fn("var_get", List.of(I64), List.of(I64), k -> (inst, a) -> new long[] {k.varGet(a[0])});
    fn("var_set", List.of(I64, I64), List.of(), k -> (inst, a) -> k.varSet(a[0], a[1]));
    fn(
        "http_request",
        List.of(I64, I64),
        List.of(I64),
        k ->
            (inst, a) -> {
              throw new ExtismDeniedException(
                  k.who + " called http_request: this host gives plugins no network access");
            });
    fn("log_debug", List.of(I64), List.of(), k -> (inst, a) -> k.log("debug", a[0]));
    fn("log_info", List.of(I64), List.of(), k -> (inst, a) -> k.log("info", a[0]));
    fn("log_warn", List.of(I64), List.of(), k -> (inst, a) -> k.log("warn", a[0]));
    fn("log_error", List.of(I64), List.of(), k -> (inst, a) -> k.log("error", a[0]));
  }

  private static void fn(
      String name,
      List<ValType> params,
      List<ValType> results,
      Function<ExtismKernel, WasmFunctionHandle> handle) {
    FUNCTIONS.put(name, new Signature(FunctionType.of(params, results), handle));
  }

  /** Names of the host functions provided. */
  static Set<String> functionNames() {
    return FUNCTIONS.keySet();
  }

  /** The Extism type of a host function, or null when this kernel does not provide it. */
  static FunctionType typeOf(String name) {
    Signature s = FUNCTIONS.get(name);
    return s == null ? null : s.type();
  }

  private final String who;
  private final KernelMemory memory;
  private final Map<String, byte[]> config;
  private final Map<String, byte[]> vars = new HashMap<>();
  private final int maxVarBytes;
  private int varBytes;
  private byte[] input = new byte[0];
  private long outputOffset;
  private long outputLength;
  private boolean outputSet;
  private String error;

  ExtismKernel(String who, int maxKernelBytes, int maxVarBytes, Map<String, String> config) {
    this.who = who;
    this.memory = new KernelMemory(maxKernelBytes);
    this.maxVarBytes = maxVarBytes;
    this.config = new HashMap<>();
    config.forEach((k, v) -> this.config.put(k, v.getBytes(StandardCharsets.UTF_8)));
  }

  /** The host function {@code name} bound to this kernel. */
  HostFunction hostFunction(String name) {
    Signature s = FUNCTIONS.get(name);
    return new HostFunction(MODULE, name, s.type(), s.handle().apply(this));
  }

  /** Starts a call: fresh kernel memory, the input, no output and no error. Vars are kept. */
  void begin(byte[] in) {
    memory.reset();
    input = in;
    outputOffset = 0;
    outputLength = 0;
    outputSet = false;
    error = null;
  }

  /** The error the plugin set in this call, or null. */
  String error() {
    return error;
  }

  /** A copy of the output the plugin set in this call (empty when none). */
  byte[] output() {
    return outputSet ? memory.read(outputOffset, outputLength) : new byte[0];
  }

  private int inputU8(long offset) {
    if (offset < 0 || offset >= input.length) {
      throw new PluginTrapException(
          who + " read input byte " + offset + " of " + input.length, null);
    }
    return input[(int) offset] & 0xFF;
  }

  private long inputU64(long offset) {
    if (offset < 0 || offset + 8 > input.length) {
      throw new PluginTrapException(
          who + " read input bytes " + offset + "..+8 of " + input.length, null);
    }
    int o = (int) offset;
    long v = 0;
    for (int i = 7; i >= 0; i--) {
      v = (v << 8) | (input[o + i] & 0xFFL);
    }
    return v;
  }

  private long[] outputSet(long offset, long length) {
    if (length > 0) {
      memory.read(offset, 0); // fails on a bad offset now rather than after the call
    }
    outputOffset = offset;
    outputLength = length;
    outputSet = true;
    return null;
  }

  private long[] errorSet(long offset) {
    error = offset == 0 ? null : memory.readString(offset, "error_set");
    return null;
  }

  private long configGet(long keyOffset) {
    byte[] value = config.get(memory.readString(keyOffset, "config_get"));
    return value == null ? 0 : memory.allocBytes(value);
  }

  private long varGet(long keyOffset) {
    byte[] value = vars.get(memory.readString(keyOffset, "var_get"));
    return value == null ? 0 : memory.allocBytes(value);
  }

  private long[] varSet(long keyOffset, long valueOffset) {
    String key = memory.readString(keyOffset, "var_set");
    byte[] old = valueOffset == 0 ? vars.remove(key) : vars.get(key);
    int size = varBytes - (old == null ? 0 : key.length() + old.length);
    if (valueOffset != 0) {
      byte[] value = memory.readBlock(valueOffset, "var_set");
      size += key.length() + value.length;
      if (size > maxVarBytes) {
        throw new PluginMemoryException(
            who
                + " var_set("
                + key
                + "): vars would take "
                + size
                + " bytes; the limit is "
                + maxVarBytes);
      }
      vars.put(key, value);
    }
    varBytes = size;
    return null;
  }

  private long[] log(String level, long offset) {
    String text = memory.readString(offset, "log_" + level);
    if (text.length() > MAX_LOG_CHARS) {
      text = text.substring(0, MAX_LOG_CHARS) + "…";
    }
    switch (level) {
      case "debug" -> pluginLog.debug("{}: {}", who, text);
      case "info" -> pluginLog.info("{}: {}", who, text);
      case "warn" -> pluginLog.warn("{}: {}", who, text);
      default -> pluginLog.error("{}: {}", who, text);
    }
    return null;
  }
}
