package io.vitalflow.interactions.host;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * The test plugins under {@code src/test/resources/plugins} (assembled from their .wat by
 * plugin/test-plugins.sh).
 */
final class TestPlugins {

  static byte[] bytes(String name) {
    try (InputStream in = TestPlugins.class.getResourceAsStream("/plugins/" + name + ".wasm")) {
      if (in == null) {
        throw new IllegalArgumentException("no test plugin " + name);
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A source for the given engine: the interpreter, or compiled at run time. */
  static PluginSource source(String name, Engine engine) {
    return switch (engine) {
      case INTERPRETER -> PluginSource.interpreted(name, bytes(name));
      case RUNTIME_COMPILED -> PluginSource.compiled(name, bytes(name));
      case AOT -> throw new IllegalArgumentException("test plugins are not compiled ahead of time");
    };
  }

  /** Input for echo.wat: spin {@code n} iterations, then echo the input back. */
  static byte[] spin(long n, int payload) {
    return ByteBuffer.allocate(8)
        .order(ByteOrder.LITTLE_ENDIAN)
        .putInt((int) n)
        .putInt(payload)
        .array();
  }

  private TestPlugins() {}
}
