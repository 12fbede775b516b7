package io.vitalflow.loadgen.seed;

import io.vitalflow.loadgen.fhir.FhirPatients;
import java.util.SplittableRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The seeder's FHIR {@code batch} Bundles: one {@code PUT Patient/<id>} entry per Patient
 * (update-as-create with the deterministic id), so a rerun updates instead of duplicating. Each
 * Patient's content depends only on its number, so a rerun writes the same demographics and
 * contacts.
 */
public final class SeedBundles {

  private static final Pattern ENTRY_STATUS =
      Pattern.compile("\"response\"\\s*:\\s*\\{\\s*\"status\"\\s*:\\s*\"(\\d{3})");

  private final SeededPatients ids;

  SeedBundles(SeededPatients ids) {
    this.ids = ids;
  }

  /** The Bundle for Patients {@code first .. first + count - 1} (1-based). */
  String batch(int first, int count) {
    StringBuilder out = new StringBuilder(count * 1200 + 64);
    out.append("{\"resourceType\":\"Bundle\",\"type\":\"batch\",\"entry\":[");
    for (int n = first; n < first + count; n++) {
      String id = ids.patientId(n);
      out.append(n == first ? "" : ",").append("{\"resource\":");
      new FhirPatients(ids.mrnPrefix(), new SplittableRandom(n * 0x9E3779B97F4A7C15L))
          .append(out, id, n);
      out.append(",\"request\":{\"method\":\"PUT\",\"url\":\"Patient/").append(id).append("\"}}");
    }
    return out.append("]}").toString();
  }

  /**
   * Entry outcomes of a {@code batch-response}: how many were created (201), updated (200), failed
   * (other).
   */
  record EntryCounts(int created, int updated, int failed) {

    int accepted() {
      return created + updated;
    }
  }

  static EntryCounts count(String batchResponse) {
    int created = 0;
    int updated = 0;
    int failed = 0;
    Matcher status = ENTRY_STATUS.matcher(batchResponse);
    while (status.find()) {
      switch (status.group(1)) {
        case "201" -> created++;
        case "200" -> updated++;
        default -> failed++;
      }
    }
    return new EntryCounts(created, updated, failed);
  }
}
