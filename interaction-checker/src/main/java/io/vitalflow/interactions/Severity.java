package io.vitalflow.interactions;

/**
 * How bad an interaction is, on one scale (least to most severe: minor, {@code moderate}, {@code
 * major}, {@code contraindicated}); the plugin ABI carries the code.
 */
public enum Severity {
  // "minor" (ABI code 0) is on the documented scale but not a constant yet: a new constant breaks
  // the exhaustive
  // switches of the modules that map severities (fhir-api InteractionCards); add it together with
  // them
  MODERATE(1),
  MAJOR(2),
  CONTRAINDICATED(3);

  private final int code;

  Severity(int code) {
    this.code = code;
  }

  public int code() {
    return code;
  }

  public static Severity ofCode(int code) {
    for (Severity s : values()) {
      if (s.code == code) {
        return s;
      }
    }
    throw new IllegalArgumentException("no severity with code " + code);
  }

  /** The knowledge-data spelling: {@code moderate}, {@code major}, {@code contraindicated}. */
  public static Severity ofLabel(String label) {
    return valueOf(label.toUpperCase(java.util.Locale.ROOT));
  }
}
