package io.vitalflow.processor.topology;

import io.vitalflow.schemas.VitalSign;
import java.time.Instant;

/** Test readings in canonical units. */
public final class Readings {

  private Readings() {}

  public static VitalSign reading(String patient, String code, double value, Instant effective) {
    return VitalSign.newBuilder()
        .setReadingId(patient + "/" + code + "/" + effective.toEpochMilli() + "/" + value)
        .setPatientId(patient)
        .setDeviceId("monitor-1")
        .setCode(code)
        .setValue(value)
        .setUnit(VitalDecoder.CANONICAL_UNITS.get(code))
        .setEffectiveTime(effective)
        .setReceivedTime(effective.plusSeconds(1))
        .build();
  }
}
