package io.vitalflow.fhir.vitals;

import io.vitalflow.fhir.access.Access;
import io.vitalflow.fhir.search.InvalidSearchException;
import io.vitalflow.web.security.Interaction;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.util.MultiValueMap;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.util.UriComponentsBuilder;
import reactor.core.publisher.Mono;

/**
 * {@code GET /fhir/Observation/$lastn}: the newest readings per vital sign of one patient as a FHIR
 * {@code searchset} Bundle. Parameters: {@code patient} or {@code subject} (required), {@code
 * category} (vital-signs; the only category served here), {@code code} (LOINC, comma = OR), {@code
 * max} (readings per code, default 1, at most {@value VitalObservations#MAX_LASTN}). Errors are
 * OperationOutcomes.
 */
@RestController
class LastnController {

  static final MediaType FHIR_JSON = MediaType.parseMediaType("application/fhir+json");
  private static final Set<String> FORMAT_PARAMETERS = Set.of("_format", "_pretty");

  private final VitalObservations observations;

  LastnController(VitalObservations observations) {
    this.observations = observations;
  }

  @GetMapping("/fhir/Observation/$lastn")
  Mono<ResponseEntity<String>> lastn(ServerHttpRequest request) {
    return Access.require("Observation", Interaction.SEARCH)
        .then(Mono.defer(() -> checked(request)));
  }

  private Mono<ResponseEntity<String>> checked(ServerHttpRequest request) {
    MultiValueMap<String, String> query = request.getQueryParams();
    Map<String, List<String>> parameters = new LinkedHashMap<>();
    query.forEach(
        (name, values) -> {
          if (!FORMAT_PARAMETERS.contains(name)) {
            parameters.put(name, values);
          }
        });
    boolean strict =
        request.getHeaders().getOrEmpty("Prefer").stream()
            .anyMatch(prefer -> prefer.replace(" ", "").contains("handling=strict"));
    VitalQuery parsed = VitalQuery.parse(parameters, strict, false, Set.of("max"));
    if (parsed.matchesNothing()) {
      throw new UnsupportedLastnException(
          "$lastn here serves the vital-signs category of one patient only");
    }
    if (parsed.patients().size() != 1) {
      throw new InvalidSearchException("$lastn needs exactly one patient");
    }
    if (!parsed.dates().isEmpty()) {
      throw new UnsupportedLastnException(
          "$lastn does not support date; use an Observation search with date");
    }
    int max = max(query.get("max"));
    String base =
        UriComponentsBuilder.fromUri(request.getURI())
            .replacePath("/fhir")
            .replaceQuery(null)
            .build()
            .toUriString();
    String self = request.getURI().toString();
    if (parsed.codes() != null && parsed.codes().isEmpty()) {
      return Mono.just(bundle(List.of(), base, self));
    }
    return observations
        .lastn(parsed.patients().get(0), parsed.codes(), max)
        .collectList()
        .map(rows -> bundle(rows, base, self));
  }

  @ExceptionHandler(InvalidSearchException.class)
  ResponseEntity<String> invalid(InvalidSearchException e) {
    return outcome(HttpStatus.BAD_REQUEST, OperationOutcome.IssueType.INVALID, e.getMessage());
  }

  @ExceptionHandler(UnsupportedLastnException.class)
  ResponseEntity<String> unsupported(UnsupportedLastnException e) {
    return outcome(HttpStatus.BAD_REQUEST, OperationOutcome.IssueType.NOTSUPPORTED, e.getMessage());
  }

  private ResponseEntity<String> bundle(List<StoredReading> rows, String base, String self) {
    Bundle bundle = new Bundle();
    bundle.setId(UUID.randomUUID().toString());
    bundle.setType(Bundle.BundleType.SEARCHSET);
    bundle.setTotal(rows.size());
    bundle.addLink().setRelation("self").setUrl(self);
    for (StoredReading row : rows) {
      bundle
          .addEntry()
          .setFullUrl(base + "/Observation/" + row.id().value())
          .setResource(VitalSignMapping.toObservation(row))
          .getSearch()
          .setMode(Bundle.SearchEntryMode.MATCH);
    }
    return ResponseEntity.ok().contentType(FHIR_JSON).body(observations.encode(bundle));
  }

  private ResponseEntity<String> outcome(
      HttpStatus status, OperationOutcome.IssueType type, String message) {
    OperationOutcome outcome = new OperationOutcome();
    outcome
        .addIssue()
        .setSeverity(OperationOutcome.IssueSeverity.ERROR)
        .setCode(type)
        .setDiagnostics(message);
    return ResponseEntity.status(status).contentType(FHIR_JSON).body(observations.encode(outcome));
  }

  private static int max(List<String> values) {
    if (values == null || values.isEmpty()) {
      return 1;
    }
    if (values.size() > 1) {
      throw new InvalidSearchException("max may be given once");
    }
    try {
      int max = Integer.parseInt(values.get(0));
      if (max >= 1 && max <= VitalObservations.MAX_LASTN) {
        return max;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new InvalidSearchException(
        "max must be a whole number from 1 to " + VitalObservations.MAX_LASTN);
  }

  /** A $lastn this endpoint does not serve (400 with issue type not-supported). */
  static final class UnsupportedLastnException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    UnsupportedLastnException(String message) {
      super(message);
    }
  }
}
