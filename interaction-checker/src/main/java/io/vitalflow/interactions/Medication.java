package io.vitalflow.interactions;

/**
 * One entry of a medication list: an RxNorm code (ingredient or clinical drug, e.g. {@code "11289"}
 * or {@code "855332"}) and/or a name. The code wins when the knowledge base knows it; otherwise the
 * name is matched against ingredient names and synonyms. An entry matching neither is reported as
 * unknown.
 *
 * @param rxcui RxNorm concept id (digits), or null
 * @param name free-text name, or null
 */
public record Medication(String rxcui, String name) {

  /** Largest code the plugin ABI carries (u32); RxCUIs are far below it. */
  static final long MAX_RXCUI = 0xFFFF_FFFFL;

  public static Medication rxcui(String rxcui) {
    return new Medication(rxcui, null);
  }

  public static Medication named(String name) {
    return new Medication(null, name);
  }

  /**
   * The code as a number, or 0 when absent or not a plain RxCUI (such a code never matches
   * anything).
   */
  public long rxcuiNumber() {
    if (rxcui == null || rxcui.isEmpty() || rxcui.length() > 10) {
      return 0;
    }
    long v = 0;
    for (int i = 0; i < rxcui.length(); i++) {
      char c = rxcui.charAt(i);
      if (c < '0' || c > '9') {
        return 0;
      }
      v = v * 10 + (c - '0');
    }
    return v <= MAX_RXCUI ? v : 0;
  }

  @Override
  public String toString() {
    return rxcui == null
        ? "'" + name + "'"
        : name == null ? "rxcui " + rxcui : "rxcui " + rxcui + " '" + name + "'";
  }
}
