package io.vitalflow.interactions.host;

import com.dylibso.chicory.compiler.MachineFactoryCompiler;
import com.dylibso.chicory.runtime.CompiledModule;
import com.dylibso.chicory.runtime.Instance;
import com.dylibso.chicory.runtime.Machine;
import com.dylibso.chicory.wasm.ChicoryException;
import com.dylibso.chicory.wasm.Parser;
import com.dylibso.chicory.wasm.WasmModule;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Objects;
import java.util.function.Function;

/** Where a plugin's code comes from, and how it should run. */
public final class PluginSource {

  private final String name;
  private final String digest;
  private final WasmModule module;
  private final Function<Instance, Machine> machineFactory;
  private final Engine engine;
  private final boolean compileInBackground;
  private final byte[] data;
  private final String codeDigest;

  private PluginSource(
      String name,
      String digest,
      WasmModule module,
      Function<Instance, Machine> machineFactory,
      Engine engine,
      boolean compileInBackground) {
    this(name, digest, module, machineFactory, engine, compileInBackground, null, digest);
  }

  private PluginSource(
      String name,
      String digest,
      WasmModule module,
      Function<Instance, Machine> machineFactory,
      Engine engine,
      boolean compileInBackground,
      byte[] data,
      String codeDigest) {
    this.name = Objects.requireNonNull(name, "name");
    this.digest = digest;
    this.codeDigest = codeDigest;
    this.module = module;
    this.machineFactory = machineFactory;
    this.engine = engine;
    this.compileInBackground = compileInBackground;
    this.data = data;
  }

  /**
   * The same code with {@code data} handed to every new instance through the plugin's {@code
   * configure} export (ABI version 2), e.g. a knowledge image: new data is a new version (its
   * digest covers code and data), loaded with {@link PluginHost#load} like new code, without a
   * compiler. Replaces data given before.
   */
  public PluginSource withData(byte[] data) {
    byte[] copy = data.clone();
    return new PluginSource(
        name,
        digestOf(codeDigest + ":" + sha256(copy)),
        module,
        machineFactory,
        engine,
        compileInBackground,
        copy,
        codeDigest);
  }

  /**
   * Like {@link #withData(byte[])} with the data's SHA-256 computed beforehand, e.g. when the data
   * was built (the shipped knowledge image): a cold start then does not hash it again. The caller
   * vouches for the digest; it only names the version, it guards nothing.
   *
   * @param sha256 lower-case hex SHA-256 of {@code data}
   */
  public PluginSource withData(byte[] data, String sha256) {
    if (sha256 == null) {
      return withData(data);
    }
    return new PluginSource(
        name,
        digestOf(codeDigest + ":" + sha256),
        module,
        machineFactory,
        engine,
        compileInBackground,
        data.clone(),
        codeDigest);
  }

  /** The data given to {@code configure}, or null. Shared, never modified. */
  byte[] data() {
    return data;
  }

  /** A plugin compiled to JVM classes at build time by {@code chicory-compiler-maven-plugin}. */
  public static PluginSource aot(String name, CompiledModule compiled) {
    WasmModule module = compiled.wasmModule();
    return new PluginSource(
        name,
        digestOf(name + ":" + module.digest()),
        module,
        compiled.machineFactory(),
        Engine.AOT,
        false);
  }

  /**
   * Module bytes loaded at run time: served by the interpreter at once, while the runtime compiler
   * works in the background; the compiled version replaces the interpreted one when it is ready.
   */
  public static PluginSource wasm(String name, byte[] bytes) {
    return new PluginSource(name, sha256(bytes), parse(bytes), null, Engine.INTERPRETER, true);
  }

  /**
   * Module bytes loaded at run time and served only by the interpreter (no compilation, smallest
   * footprint).
   */
  public static PluginSource interpreted(String name, byte[] bytes) {
    return new PluginSource(name, sha256(bytes), parse(bytes), null, Engine.INTERPRETER, false);
  }

  /** Module bytes compiled to JVM bytecode now (slower to load, fast from the first call). */
  public static PluginSource compiled(String name, byte[] bytes) {
    WasmModule module = parse(bytes);
    return new PluginSource(
        name,
        sha256(bytes),
        module,
        MachineFactoryCompiler.compile(module),
        Engine.RUNTIME_COMPILED,
        false);
  }

  public String name() {
    return name;
  }

  WasmModule module() {
    return module;
  }

  Function<Instance, Machine> machineFactory() {
    return machineFactory;
  }

  boolean compileInBackground() {
    return compileInBackground;
  }

  PluginVersion version() {
    return new PluginVersion(name, digest, engine);
  }

  private static WasmModule parse(byte[] bytes) {
    try {
      return Parser.parse(bytes);
    } catch (ChicoryException | IllegalArgumentException e) {
      throw new PluginAbiException("not a valid WebAssembly module: " + e.getMessage(), e);
    }
  }

  private static String digestOf(String s) {
    return sha256(s.getBytes(java.nio.charset.StandardCharsets.UTF_8));
  }

  private static String sha256(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
