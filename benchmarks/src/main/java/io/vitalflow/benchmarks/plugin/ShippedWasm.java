package io.vitalflow.benchmarks.plugin;

import io.vitalflow.interactions.WasmInteractionChecker;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/** The shipped plugin's {@code .wasm} bytes, read from the interaction-checker jar. */
final class ShippedWasm {

  private ShippedWasm() {}

  static byte[] bytes() {
    try (InputStream in =
        WasmInteractionChecker.class.getResourceAsStream("drug-interactions.wasm")) {
      if (in == null) {
        throw new IllegalStateException("drug-interactions.wasm is not on the class path");
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
