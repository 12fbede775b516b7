package io.vitalflow.interactions.extism;

import com.dylibso.chicory.compiler.MachineFactoryCompiler;
import com.dylibso.chicory.runtime.Instance;
import com.dylibso.chicory.runtime.Machine;
import com.dylibso.chicory.wasm.ChicoryException;
import com.dylibso.chicory.wasm.Parser;
import com.dylibso.chicory.wasm.WasmModule;
import com.dylibso.chicory.wasm.types.ExternalType;
import com.dylibso.chicory.wasm.types.FunctionImport;
import com.dylibso.chicory.wasm.types.FunctionType;
import com.dylibso.chicory.wasm.types.ValType;
import io.vitalflow.interactions.host.CallGuard;
import io.vitalflow.interactions.host.Engine;
import io.vitalflow.interactions.host.PluginAbiException;
import io.vitalflow.interactions.host.PluginException;
import io.vitalflow.interactions.host.Watchdog;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * A plugin written for Extism (for instance with {@code @extism/as-pdk}), run on our Chicory host
 * with the Extism call convention: an exported function {@code () -> i32} reads its input and
 * writes its output through the Extism kernel's host functions ({@code extism:host/env}), returns 0
 * on success and may report an error with {@code error_set}. Same sandbox as {@link
 * io.vitalflow.interactions.host.PluginHost}: capped memory, a deadline per call enforced by the
 * shared {@link Watchdog}, traps as {@link PluginException}s, pooled instances (never one instance
 * on two threads). Thread-safe. See "Extism plugins" in {@code docs/interaction-checker.md}.
 */
public final class ExtismPlugin implements AutoCloseable {

  private static final FunctionType EXTISM_FUNCTION =
      FunctionType.of(List.of(), List.of(ValType.I32));
  private static final FunctionType EXTISM_VOID_FUNCTION = FunctionType.of(List.of(), List.of());

  private final String name;
  private final WasmModule module;
  private final ExtismOptions options;
  private final Function<Instance, Machine> machineFactory;
  private final Set<String> imports;
  private final Map<String, FunctionType> functions;
  private final Watchdog watchdog;
  private final ConcurrentLinkedDeque<ExtismInstance> idle = new ConcurrentLinkedDeque<>();
  private final AtomicInteger idleCount = new AtomicInteger();
  private volatile boolean closed;

  private ExtismPlugin(String name, WasmModule module, ExtismOptions options) {
    this.name = name;
    this.module = module;
    this.options = options;
    this.imports = checkImports(name, module);
    this.functions = functions(module);
    this.machineFactory =
        options.engine() == Engine.RUNTIME_COMPILED ? MachineFactoryCompiler.compile(module) : null;
    this.watchdog = Watchdog.forDeadline("extism-watchdog-" + name, options.limits().deadline());
    try {
      release(
          newInstance()); // instantiates once (start function included) and keeps the instance warm
    } catch (RuntimeException e) {
      close();
      throw e;
    }
  }

  /** Loads an Extism plugin from its {@code .wasm} bytes with {@link ExtismOptions#defaults()}. */
  public static ExtismPlugin load(String name, byte[] wasm) {
    return load(name, wasm, ExtismOptions.defaults());
  }

  /**
   * Loads an Extism plugin from its {@code .wasm} bytes.
   *
   * @throws PluginAbiException not WebAssembly, or it imports a function this host does not provide
   *     (or with another type), or it imports anything but functions
   */
  public static ExtismPlugin load(String name, byte[] wasm, ExtismOptions options) {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(wasm, "wasm");
    Objects.requireNonNull(options, "options");
    WasmModule module;
    try {
      module = Parser.parse(wasm);
    } catch (ChicoryException | IllegalArgumentException e) {
      throw new PluginAbiException(
          name + " is not a valid WebAssembly module: " + e.getMessage(), e);
    }
    return new ExtismPlugin(name, module, options);
  }

  /**
   * Calls the exported Extism function {@code function} with {@code input} and returns its output.
   *
   * @throws ExtismErrorException the function set an error or returned non-zero
   * @throws PluginAbiException no such function, or not of type {@code () -> i32}
   * @throws PluginException it trapped, ran past the deadline, hit the memory cap, or asked for
   *     something denied; the instance is discarded and the next call gets a fresh one
   */
  public byte[] call(String function, byte[] input) {
    Objects.requireNonNull(function, "function");
    Objects.requireNonNull(input, "input");
    ensureOpen();
    if (!functions.containsKey(function)) {
      throw new PluginAbiException(
          name + " exports no Extism function " + function + "; it has " + functions.keySet());
    }
    ExtismInstance instance = acquire();
    try {
      return instance.call(function, input);
    } finally {
      release(instance);
    }
  }

  /** The exported functions callable the Extism way ({@code () -> i32}, or {@code () -> ()}). */
  public Set<String> functions() {
    return functions.keySet();
  }

  /** The host functions this plugin imports (all provided by this host). */
  public Set<String> imports() {
    return imports;
  }

  /** Names of every host function of {@code extism:host/env} this host provides. */
  public static Set<String> supportedHostFunctions() {
    return ExtismKernel.functionNames();
  }

  public String name() {
    return name;
  }

  public ExtismOptions options() {
    return options;
  }

  /** Idle instances (for tests and metrics). */
  public int idleInstances() {
    return idleCount.get();
  }

  WasmModule module() {
    return module;
  }

  Function<Instance, Machine> machineFactory() {
    return machineFactory;
  }

  private ExtismInstance acquire() {
    ExtismInstance instance = idle.pollFirst();
    if (instance != null) {
      idleCount.decrementAndGet();
      return instance;
    }
    return newInstance();
  }

  private ExtismInstance newInstance() {
    CallGuard guard = watchdog.register();
    try {
      return new ExtismInstance(this, guard);
    } catch (RuntimeException e) {
      watchdog.unregister(guard);
      throw e;
    }
  }

  /** Pools a healthy instance; broken ones, extras and those returned after close are dropped. */
  private void release(ExtismInstance instance) {
    if (instance.broken() || closed) {
      watchdog.unregister(instance.guard());
      return;
    }
    if (idleCount.incrementAndGet() > options.limits().maxIdleInstances()) {
      idleCount.decrementAndGet();
      watchdog.unregister(instance.guard());
      return;
    }
    idle.offerFirst(instance);
  }

  private void ensureOpen() {
    if (closed) {
      throw new IllegalStateException("Extism plugin " + name + " is closed");
    }
  }

  @Override
  public void close() {
    closed = true;
    watchdog.close();
    idle.clear();
    idleCount.set(0);
  }

  private static Set<String> checkImports(String name, WasmModule module) {
    Set<String> names = new LinkedHashSet<>();
    var section = module.importSection();
    for (int i = 0; i < section.importCount(); i++) {
      var imp = section.getImport(i);
      String what = imp.module() + "." + imp.name();
      if (imp.importType() != ExternalType.FUNCTION) {
        throw new PluginAbiException(
            name
                + " imports "
                + imp.importType().name().toLowerCase(Locale.ROOT)
                + " "
                + what
                + "; an Extism plugin may import only host functions of "
                + ExtismKernel.MODULE);
      }
      FunctionType expected = ExtismKernel.typeOf(imp.name());
      if (!imp.module().equals(ExtismKernel.MODULE) || expected == null) {
        throw new PluginAbiException(
            name
                + " imports the host function "
                + what
                + ", which this Extism-compatible host does not provide; it provides "
                + ExtismKernel.MODULE
                + " "
                + ExtismKernel.functionNames());
      }
      FunctionType actual = module.typeSection().getType(((FunctionImport) imp).typeIndex());
      if (!actual.typesMatch(expected)) {
        throw new PluginAbiException(
            name
                + " imports "
                + what
                + " with type "
                + actual
                + "; the host function has "
                + expected);
      }
      names.add(imp.name());
    }
    return Set.copyOf(names);
  }

  private static Map<String, FunctionType> functions(WasmModule module) {
    Map<String, FunctionType> result = new TreeMap<>();
    var exports = module.exportSection();
    int imported = module.importSection().count(ExternalType.FUNCTION);
    for (int i = 0; i < exports.exportCount(); i++) {
      var export = exports.getExport(i);
      if (export.exportType() != ExternalType.FUNCTION) {
        continue;
      }
      int index = export.index();
      if (index < imported) {
        continue; // a re-exported host function
      }
      FunctionType type =
          module.typeSection().getType(module.functionSection().getFunctionType(index - imported));
      if (type.typesMatch(EXTISM_FUNCTION) || type.typesMatch(EXTISM_VOID_FUNCTION)) {
        result.put(export.name(), type);
      }
    }
    return Map.copyOf(result);
  }
}
