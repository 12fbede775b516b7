package io.vitalflow.loadgen.abuse;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What the checks after the attacks found.
 *
 * @param healthUpAfterMillis per service, milliseconds from the end of the attacks until its health
 *     answered UP; absent (not in the map's values: -1) when it did not within the recovery timeout
 * @param healthLast per service, the last health answer seen ({@code HTTP 200 UP}, {@code HTTP
 *     503}, {@code timeout})
 * @param ingestAfter the failure of one normal ingest batch sent after recovery, or null when it
 *     was acknowledged
 * @param fhirAfter the failure of one FHIR create + read after recovery, or null when it succeeded
 * @param readingsAcknowledged readings the platform acknowledged during the whole run
 * @param readingsFound of those, the ones the vitals API returned within the verify timeout
 * @param readingsDuplicated acknowledged readings stored more than once
 * @param readingsFoundAfterMillis how long after the end of the attacks the last of them was found
 *     (-1: not all)
 * @param patientsCreated Patients created with 201 during the run
 * @param patientsReadable of those, the ones that read back with 200
 * @param poisonStored poison resources the server stored (answered 2xx)
 * @param poisonUnreadable of those, the ones that did not read back with the value sent, as {@code
 *     probe: why}
 */
public record Afterwards(
    Map<String, Long> healthUpAfterMillis,
    Map<String, String> healthLast,
    String ingestAfter,
    String fhirAfter,
    long readingsAcknowledged,
    long readingsFound,
    long readingsDuplicated,
    long readingsFoundAfterMillis,
    long patientsCreated,
    long patientsReadable,
    long poisonStored,
    List<String> poisonUnreadable) {

  public Afterwards {
    healthUpAfterMillis = new LinkedHashMap<>(healthUpAfterMillis);
    healthLast = new LinkedHashMap<>(healthLast);
    poisonUnreadable = List.copyOf(poisonUnreadable);
  }

  /** True when every service's health answered UP in time. */
  public boolean recovered() {
    return healthUpAfterMillis.values().stream().allMatch(millis -> millis >= 0);
  }
}
