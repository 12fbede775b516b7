package io.vitalflow.ingest.vitals.parse;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * One input item that was not accepted.
 *
 * @param index position of the item in the request: array element, NDJSON line (blank lines not
 *     counted), or Bundle entry, from 0
 * @param field the offending field in the request's own vocabulary ({@code unit}, {@code
 *     valueQuantity.code}, ...), empty when the item as a whole is wrong
 * @param reason what is wrong, for a human
 * @param kind the same as a stable code
 */
public record Rejection(int index, String field, String reason, @JsonIgnore RejectReason kind) {

  /** The stable, machine-readable code of {@link #kind}. */
  @JsonProperty("code")
  public String code() {
    return kind.tag();
  }
}
