package io.vitalflow.loadgen;

import java.util.Map;

/** Flags written as a map in a test, as the command line a scenario's picocli command parses. */
public final class TestArgs {

  private TestArgs() {}

  public static String[] of(Map<String, String> flags) {
    return flags.entrySet().stream()
        .map(flag -> "--" + flag.getKey() + "=" + flag.getValue())
        .toArray(String[]::new);
  }
}
