package io.vitalflow.audit;

import java.util.List;
import java.util.Optional;

/**
 * One page of a search of {@code AuditEvent}, newest first.
 *
 * @param events each event's FHIR JSON as stored
 * @param next the {@code _cursor} value of the next page (with the same other parameters); empty on
 *     the last page
 */
public record AuditPage(List<String> events, Optional<String> next) {

  public AuditPage {
    events = List.copyOf(events);
  }
}
