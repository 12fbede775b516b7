package io.vitalflow.ingest.vitals.validate;

import io.vitalflow.ingest.vitals.parse.FieldNames;
import io.vitalflow.ingest.vitals.parse.ParsedBatch;
import io.vitalflow.ingest.vitals.parse.RawReading;
import io.vitalflow.ingest.vitals.parse.RejectReason;
import io.vitalflow.ingest.vitals.parse.Rejection;
import io.vitalflow.schemas.VitalSign;
import io.vitalflow.schemas.VitalSignType;
import java.time.Clock;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Checks every reading and normalises it to a {@link VitalSign} in the canonical UCUM unit of its
 * code: required fields, ids (1-128 of {@code A-Z a-z 0-9 . _ : -}), known LOINC code, unit
 * compatible with the code, plausible value, effective time within [now - max age, now + clock
 * skew], and, with security on, a device registered to the sending client ({@link DeviceAccess}).
 * The first failing check rejects the reading.
 */
public final class ReadingValidator {

  static final int MAX_ID_LENGTH = 128;

  private final Clock clock;
  private final Duration clockSkew;
  private final Duration maxAge;

  public ReadingValidator(Clock clock, Duration clockSkew, Duration maxAge) {
    this.clock = clock;
    this.clockSkew = clockSkew;
    this.maxAge = maxAge;
  }

  /**
   * Validates a parsed batch: the accepted readings, and all rejections (parser's and ours) by
   * index.
   */
  public ValidatedBatch validate(ParsedBatch batch) {
    return validate(batch, DeviceAccess.ANY);
  }

  /**
   * Validates a parsed batch sent by a client that may send readings only for {@code devices}: a
   * reading from another device is rejected ({@link RejectReason#DEVICE_NOT_REGISTERED}), the
   * others are not affected.
   */
  public ValidatedBatch validate(ParsedBatch batch, DeviceAccess devices) {
    Instant now = clock.instant();
    List<VitalSign> accepted = new ArrayList<>(batch.readings().size());
    List<Rejection> rejected = new ArrayList<>(batch.rejections());
    for (RawReading reading : batch.readings()) {
      VitalSign valid = validate(reading, now, rejected, devices);
      if (valid != null) {
        accepted.add(valid);
      }
    }
    if (!batch.rejections().isEmpty() && rejected.size() > batch.rejections().size()) {
      rejected.sort(Comparator.comparingInt(Rejection::index));
    }
    return new ValidatedBatch(batch.items(), accepted, rejected);
  }

  /** The normalised reading, or null after adding why it was rejected. */
  VitalSign validate(RawReading reading, Instant now, List<Rejection> rejected) {
    return validate(reading, now, rejected, DeviceAccess.ANY);
  }

  private VitalSign validate(
      RawReading reading, Instant now, List<Rejection> rejected, DeviceAccess devices) {
    FieldNames names = reading.names();
    int index = reading.index();
    if (reading.code() == null) {
      return reject(
          rejected, index, names.code(), "is required (a LOINC code)", RejectReason.MISSING_FIELD);
    }
    VitalSignType type = VitalSignType.ofCode(reading.code());
    if (type == null) {
      return reject(
          rejected,
          index,
          names.code(),
          abbreviate(reading.code())
              + " is not a vital sign this gateway"
              + " knows; accepted: "
              + knownCodes(),
          RejectReason.UNKNOWN_CODE);
    }
    String idProblem = idProblem(reading.patientId(), true);
    if (idProblem != null) {
      return reject(rejected, index, names.patientId(), idProblem, idReason(reading.patientId()));
    }
    idProblem = idProblem(reading.deviceId(), true);
    if (idProblem != null) {
      return reject(rejected, index, names.deviceId(), idProblem, idReason(reading.deviceId()));
    }
    if (!devices.allows(reading.deviceId())) {
      // the id is valid (checked above): at most 128 plain characters, safe to repeat
      return reject(
          rejected,
          index,
          names.deviceId(),
          reading.deviceId()
              + " is not registered to client "
              + devices.clientId()
              + "; a client sends readings only for its own devices",
          RejectReason.DEVICE_NOT_REGISTERED);
    }
    idProblem = idProblem(reading.id(), false);
    if (idProblem != null) {
      return reject(rejected, index, names.id(), idProblem, RejectReason.INVALID_ID);
    }
    double value = reading.value();
    if (Double.isNaN(value)) {
      return reject(
          rejected, index, names.value(), "is required (a number)", RejectReason.MISSING_FIELD);
    }
    if (reading.unit() == null) {
      return reject(
          rejected,
          index,
          names.unit(),
          "is required (UCUM, e.g. " + type.unit() + ")",
          RejectReason.MISSING_FIELD);
    }
    if (!type.accepts(reading.unit())) {
      return reject(
          rejected,
          index,
          names.unit(),
          abbreviate(reading.unit())
              + " does not fit "
              + describe(type)
              + "; accepted: "
              + type.acceptedUnits(),
          RejectReason.INCOMPATIBLE_UNIT);
    }
    double canonical = type.toCanonical(value, reading.unit());
    if (!type.isPlausible(canonical)) {
      return reject(
          rejected,
          index,
          names.value(),
          format(canonical)
              + " "
              + type.unit()
              + " is outside the plausible range "
              + format(type.min())
              + "-"
              + format(type.max())
              + " "
              + type.unit()
              + " of "
              + describe(type),
          RejectReason.IMPLAUSIBLE_VALUE);
    }
    if (reading.effectiveTime() == null) {
      return reject(
          rejected,
          index,
          names.effectiveTime(),
          "is required (ISO-8601 date-time with offset)",
          RejectReason.MISSING_FIELD);
    }
    Instant effective;
    try {
      effective = Instant.parse(reading.effectiveTime());
    } catch (DateTimeException e) {
      return reject(
          rejected,
          index,
          names.effectiveTime(),
          "must be an ISO-8601 date-time with offset, e.g." + " 2025-01-31T12:00:00Z",
          RejectReason.INVALID_TIME);
    }
    if (effective.isAfter(now.plus(clockSkew))) {
      return reject(
          rejected,
          index,
          names.effectiveTime(),
          "lies in the future (more than "
              + clockSkew.toSeconds()
              + " s after the gateway's clock)",
          RejectReason.IN_FUTURE);
    }
    if (effective.isBefore(now.minus(maxAge))) {
      return reject(
          rejected,
          index,
          names.effectiveTime(),
          "is older than " + maxAge.toDays() + " days; readings that old are no longer stored",
          RejectReason.TOO_OLD);
    }
    String readingId = reading.id() != null ? reading.id() : randomId();
    return new VitalSign(
        readingId,
        reading.patientId(),
        reading.deviceId(),
        type.code(),
        canonical,
        type.unit(),
        effective,
        now);
  }

  /** Null when {@code id} is acceptable, else what is wrong with it. */
  static String idProblem(String id, boolean required) {
    if (id == null) {
      return required ? "is required" : null;
    }
    if (id.isEmpty() || id.length() > MAX_ID_LENGTH) {
      return "must be 1-" + MAX_ID_LENGTH + " characters";
    }
    for (int i = 0; i < id.length(); i++) {
      char c = id.charAt(i);
      boolean ok =
          c >= 'a' && c <= 'z'
              || c >= 'A' && c <= 'Z'
              || c >= '0' && c <= '9'
              || c == '.'
              || c == '_'
              || c == ':'
              || c == '-';
      if (!ok) {
        return "may hold only letters, digits and . _ : -";
      }
    }
    return null;
  }

  private static RejectReason idReason(String id) {
    return id == null ? RejectReason.MISSING_FIELD : RejectReason.INVALID_ID;
  }

  private static VitalSign reject(
      List<Rejection> rejected, int index, String field, String reason, RejectReason kind) {
    rejected.add(new Rejection(index, field, field + " " + reason, kind));
    return null;
  }

  /**
   * A random (version 4) UUID from a fast, non-cryptographic source: ids only need to be unique.
   */
  private static String randomId() {
    ThreadLocalRandom random = ThreadLocalRandom.current();
    long high = random.nextLong() & ~0xF000L | 0x4000L;
    long low = random.nextLong() & 0x3FFFFFFFFFFFFFFFL | 0x8000000000000000L;
    return new UUID(high, low).toString();
  }

  private static String describe(VitalSignType type) {
    return type.name().toLowerCase(Locale.ROOT).replace('_', ' ') + " (" + type.code() + ")";
  }

  private static String knownCodes() {
    StringBuilder codes = new StringBuilder();
    for (VitalSignType type : VitalSignType.values()) {
      codes.append(codes.length() == 0 ? "" : ", ").append(type.code());
    }
    return codes.toString();
  }

  private static String format(double number) {
    return number == Math.rint(number) && Math.abs(number) < 1e15
        ? Long.toString((long) number)
        : Double.toString(number);
  }

  private static String abbreviate(String text) {
    return text.length() <= 40 ? text : text.substring(0, 40) + "...";
  }
}
