package io.vitalflow.fhir.vitals;

import io.vitalflow.schemas.VitalSignType;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The FHIR id of a stored reading: what locates it in the {@code (patient_id, effective_time desc)}
 * index of {@code vital_reading}, so that a read needs no index of its own.
 *
 * <p>{@code vs-<effective epoch millis, base 36>-<LOINC code without its dash>-<patient id>}, e.g.
 * {@code vs-m5x3k2a8-88674-p-1}. Patient id characters other than {@code A-Z a-z 0-9 -} are written
 * as {@code .} and two upper-case hex digits per UTF-8 byte ({@code p_1} becomes {@code p.5F1}), so
 * every id is a valid FHIR id ({@code [A-Za-z0-9\-.]{1,64}}) and decodes back to exactly one
 * reading.
 *
 * <p>When the encoded patient id does not fit in 64 characters, the id is {@code
 * vh-<millis>-<code>-<first 12 bytes of SHA-256 of the patient id, hex>}: stable and unique, but it
 * no longer names the patient, so {@link #parse} cannot locate it (a read answers "not found";
 * searches still return it).
 *
 * @param effectiveMillis effective time of the reading, epoch milliseconds (not negative)
 * @param code LOINC code of a stored vital sign
 * @param patientId the patient id as stored
 */
record VitalObservationId(long effectiveMillis, String code, String patientId) {

  static final String PREFIX = "vs-";
  static final String HASHED_PREFIX = "vh-";
  static final int MAX_LENGTH = 64;

  private static final Pattern SHAPE =
      Pattern.compile("vs-([0-9a-z]{1,13})-([0-9]{2,9})-([A-Za-z0-9.\\-]+)");
  private static final Pattern HASHED_SHAPE =
      Pattern.compile("vh-[0-9a-z]{1,13}-[0-9]{2,9}-[0-9a-f]{24}");
  private static final HexFormat HEX = HexFormat.of().withUpperCase();

  /** The id of a reading. */
  static VitalObservationId of(String patientId, String code, Instant effectiveTime) {
    return new VitalObservationId(effectiveTime.toEpochMilli(), code, patientId);
  }

  Instant effectiveTime() {
    return Instant.ofEpochMilli(effectiveMillis);
  }

  /**
   * The FHIR id: the {@code vs-} form, or the {@code vh-} form when the patient id does not fit.
   */
  String value() {
    String head = Long.toString(effectiveMillis, 36) + "-" + code.replace("-", "") + "-";
    String id = PREFIX + head + encode(patientId);
    return id.length() <= MAX_LENGTH ? id : HASHED_PREFIX + head + hash(patientId);
  }

  /**
   * Whether {@code id} has the shape of a vital-sign reading id (either form); says nothing about
   * existence.
   */
  static boolean hasShape(String id) {
    return id != null
        && id.length() <= MAX_LENGTH
        && (SHAPE.matcher(id).matches() || HASHED_SHAPE.matcher(id).matches());
  }

  /**
   * The reading an id locates; empty for anything else, including the {@code vh-} form and ids that
   * are not written exactly as {@link #value()} would write them (one reading, one id).
   */
  static Optional<VitalObservationId> parse(String id) {
    if (id == null || id.length() > MAX_LENGTH) {
      return Optional.empty();
    }
    Matcher matcher = SHAPE.matcher(id);
    if (!matcher.matches()) {
      return Optional.empty();
    }
    long millis;
    try {
      millis = Long.parseLong(matcher.group(1), 36);
    } catch (NumberFormatException e) {
      return Optional.empty();
    }
    String digits = matcher.group(2);
    String code =
        digits.substring(0, digits.length() - 1) + "-" + digits.substring(digits.length() - 1);
    if (millis < 0 || VitalSignType.ofCode(code) == null) {
      return Optional.empty();
    }
    String patient = decode(matcher.group(3));
    if (patient == null) {
      return Optional.empty();
    }
    VitalObservationId parsed = new VitalObservationId(millis, code, patient);
    return parsed.value().equals(id) ? Optional.of(parsed) : Optional.empty();
  }

  private static String encode(String patientId) {
    StringBuilder encoded = new StringBuilder(patientId.length());
    for (byte b : patientId.getBytes(StandardCharsets.UTF_8)) {
      if (b >= 'a' && b <= 'z' || b >= 'A' && b <= 'Z' || b >= '0' && b <= '9' || b == '-') {
        encoded.append((char) b);
      } else {
        encoded.append('.').append(HEX.toHexDigits(b));
      }
    }
    return encoded.toString();
  }

  /** The patient id, or null when {@code encoded} is not well formed. */
  private static String decode(String encoded) {
    byte[] bytes = new byte[encoded.length()];
    int length = 0;
    for (int i = 0; i < encoded.length(); i++) {
      char c = encoded.charAt(i);
      if (c != '.') {
        bytes[length++] = (byte) c;
        continue;
      }
      if (i + 2 >= encoded.length()) {
        return null;
      }
      String hex = encoded.substring(i + 1, i + 3);
      if (!hex.matches("[0-9A-F]{2}")) {
        return null;
      }
      bytes[length++] = (byte) HexFormat.fromHexDigits(hex);
      i += 2;
    }
    String decoded = new String(bytes, 0, length, StandardCharsets.UTF_8);
    return decoded.isEmpty() ? null : decoded;
  }

  private static String hash(String patientId) {
    try {
      byte[] digest =
          MessageDigest.getInstance("SHA-256").digest(patientId.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(digest, 0, 12);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
    }
  }
}
