package io.vitalflow.loadgen.seed;

import java.util.Locale;
import java.util.regex.Pattern;

/**
 * The deterministic ids of the seeded Patients, {@code <prefix>-p000001} upwards (1-based, at least
 * six digits), so that {@code loadgen seed} can rerun as an update and {@code loadgen vitals-query}
 * knows the ids without any state. Device ids follow the same scheme ({@code <prefix>-d000001}).
 */
public final class SeededPatients {

  /**
   * Characters that are valid in FHIR ids, in the ingest gateway's ids and in the vitals API's
   * paths.
   */
  private static final Pattern PREFIX = Pattern.compile("[A-Za-z0-9][A-Za-z0-9.-]{0,39}");

  private final String prefix;

  private SeededPatients(String prefix) {
    this.prefix = prefix;
  }

  /**
   * From {@code --id-prefix}; rejects characters that would need escaping or are not valid in ids.
   */
  public static SeededPatients withPrefix(String prefix) {
    if (!PREFIX.matcher(prefix).matches()) {
      throw new IllegalArgumentException(
          "--id-prefix must be 1-40 characters of A-Z a-z 0-9 . - (starting with"
              + " a letter or digit), got '"
              + prefix
              + "'");
    }
    return new SeededPatients(prefix);
  }

  public String prefix() {
    return prefix;
  }

  /** The id of Patient {@code n} (1-based). */
  public String patientId(int n) {
    return String.format(Locale.ROOT, "%s-p%06d", prefix, n);
  }

  /** The id of the bedside device of Patient {@code n}. */
  public String deviceId(int n) {
    return String.format(Locale.ROOT, "%s-d%06d", prefix, n);
  }

  /**
   * The medical record number prefix; the record number of Patient {@code n} is this plus {@code
   * n}.
   */
  String mrnPrefix() {
    return prefix.toUpperCase(Locale.ROOT) + "-MRN-";
  }
}
