package io.vitalflow.ingest.vitals;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.UUID;

/** Request bodies for the tests. */
public final class Payloads {

  private Payloads() {}

  static String patient() {
    return "p-" + UUID.randomUUID();
  }

  static String recently() {
    return Instant.now().minusSeconds(30).truncatedTo(ChronoUnit.MILLIS).toString();
  }

  static String reading(
      String id, String patient, String code, double value, String unit, String time) {
    return """
        {"id":"%s","patientId":"%s","deviceId":"monitor-7","code":"%s","value":%s,"unit":"%s","effectiveTime":"%s"}"""
        .formatted(id, patient, code, value, unit, time);
  }

  static String heartRate(String patient, double value) {
    return reading(UUID.randomUUID().toString(), patient, "8867-4", value, "/min", recently());
  }

  public static String observation(
      String id, String patient, String code, double value, String unit, String time) {
    return """
        {"resourceType":"Observation","id":"%s","status":"final",
         "category":[{"coding":[{"system":"http://terminology.hl7.org/CodeSystem/observation-category",
                                 "code":"vital-signs"}]}],
         "code":{"coding":[{"system":"http://loinc.org","code":"%s"}]},
         "subject":{"reference":"Patient/%s"},
         "device":{"reference":"Device/monitor-7"},
         "effectiveDateTime":"%s",
         "valueQuantity":{"value":%s,"unit":"%s","system":"http://unitsofmeasure.org","code":"%s"}}"""
        .formatted(id, code, patient, time, value, unit, unit);
  }

  public static String bloodPressurePanel(
      String id, String patient, double systolic, double diastolic, String unit, String time) {
    return """
        {"resourceType":"Observation","id":"%s","status":"final",
         "category":[{"coding":[{"system":"http://terminology.hl7.org/CodeSystem/observation-category",
                                 "code":"vital-signs"}]}],
         "code":{"coding":[{"system":"http://loinc.org","code":"85354-9"}]},
         "subject":{"reference":"Patient/%s"},
         "device":{"reference":"Device/cuff-2"},
         "effectiveDateTime":"%s",
         "component":[
           {"code":{"coding":[{"system":"http://loinc.org","code":"8480-6"}]},
            "valueQuantity":{"value":%s,"system":"http://unitsofmeasure.org","code":"%s"}},
           {"code":{"coding":[{"system":"http://loinc.org","code":"8462-4"}]},
            "valueQuantity":{"value":%s,"system":"http://unitsofmeasure.org","code":"%s"}}]}"""
        .formatted(id, patient, time, systolic, unit, diastolic, unit);
  }

  public static String bundle(String... resources) {
    StringBuilder entries = new StringBuilder();
    for (String resource : resources) {
      entries
          .append(entries.length() == 0 ? "" : ",")
          .append("{\"resource\":")
          .append(resource)
          .append('}');
    }
    return "{\"resourceType\":\"Bundle\",\"type\":\"collection\",\"entry\":[" + entries + "]}";
  }
}
