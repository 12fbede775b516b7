package io.vitalflow.ingest.vitals.parse;

import java.util.Locale;

/**
 * Why a reading was rejected: a short, stable code (also the {@code reason} tag of the rejection
 * metric).
 */
public enum RejectReason {
  /** The item is not a reading at all: not a JSON object, not valid JSON on its NDJSON line. */
  MALFORMED,
  /**
   * A FHIR resource other than an Observation, or an Observation that is not a usable vital sign.
   */
  UNSUPPORTED_RESOURCE,
  MISSING_FIELD,
  WRONG_TYPE,
  INVALID_ID,
  UNKNOWN_CODE,
  INCOMPATIBLE_UNIT,
  IMPLAUSIBLE_VALUE,
  INVALID_TIME,
  IN_FUTURE,
  TOO_OLD,
  /**
   * The reading's device is not registered to the authenticated client that sent it ({@code
   * vitalflow.ingest.devices.<client-id>}); only with security on.
   */
  DEVICE_NOT_REGISTERED;

  private final String tag = name().toLowerCase(Locale.ROOT);

  /** The lower-case form used on the wire and as metric tag. */
  public String tag() {
    return tag;
  }
}
