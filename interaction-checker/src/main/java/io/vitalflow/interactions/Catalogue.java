package io.vitalflow.interactions;

import java.util.List;

/**
 * A plugin's knowledge base as it describes itself: its version and its rules, indexed as in
 * results.
 */
record Catalogue(String kbVersion, List<Rule> rules) {

  Catalogue {
    rules = List.copyOf(rules);
  }

  /**
   * True when {@code length} bytes at {@code offset} are this version in ASCII (no String built per
   * result).
   */
  boolean hasVersion(byte[] bytes, int offset, int length) {
    if (kbVersion.length() != length) {
      return false;
    }
    for (int i = 0; i < length; i++) {
      if (kbVersion.charAt(i) != (bytes[offset + i] & 0xFF)) {
        return false;
      }
    }
    return true;
  }
}
