package io.vitalflow.fhir.vitals;

import io.vitalflow.fhir.access.Access;
import io.vitalflow.fhir.search.InvalidSearchException;
import io.vitalflow.web.security.Interaction;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.Resource;
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
 * {@code GET /fhir/Observation/$lastn}: the newest Observations per code of one patient as a FHIR
 * {@code searchset} Bundle, over the whole history: device readings from the readings table and
 * every Observation of the resource store (written through the API, back-filled, of any category).
 * Parameters: {@code patient} or {@code subject} (required), {@code category} (tokens, comma = OR;
 * the readings table answers for vital-signs only), {@code code} (tokens, comma = OR), {@code max}
 * (Observations per code, default 1, at most {@value VitalObservations#MAX_LASTN}). A code is the
 * system and code of one coding: an Observation with two codings is in two groups and listed once.
 * Errors are OperationOutcomes.
 */
@RestController
class LastnController {

  static final MediaType FHIR_JSON = MediaType.parseMediaType("application/fhir+json");
  private static final Set<String> FORMAT_PARAMETERS = Set.of("_format", "_pretty");
  private static final Comparator<Item> NEWEST_FIRST =
      Comparator.comparing(Item::date, Comparator.nullsLast(Comparator.reverseOrder()));

  private final VitalObservations observations;
  private final StoredLastn stored;

  LastnController(VitalObservations observations, StoredLastn stored) {
    this.observations = observations;
    this.stored = stored;
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
          if (!FORMAT_PARAMETERS.contains(name) && !"category".equals(name)) {
            parameters.put(name, values);
          }
        });
    boolean strict =
        request.getHeaders().getOrEmpty("Prefer").stream()
            .anyMatch(prefer -> prefer.replace(" ", "").contains("handling=strict"));
    VitalQuery parsed = VitalQuery.parse(parameters, strict, false, Set.of("max"));
    if (parsed.patients().size() != 1) {
      throw new InvalidSearchException("$lastn needs exactly one patient");
    }
    if (!parsed.dates().isEmpty()) {
      throw new UnsupportedLastnException(
          "$lastn does not support date; use an Observation search with date");
    }
    List<StoredLastn.Token> categories = tokens(query.get("category"));
    List<StoredLastn.Token> codes = tokens(query.get("code"));
    boolean vitalSigns =
        categories.isEmpty()
            || categories.stream()
                .anyMatch(
                    token ->
                        token.matches(
                            VitalSignMapping.CATEGORY_SYSTEM, VitalSignMapping.VITAL_SIGNS));
    int max = max(query.get("max"));
    String base =
        UriComponentsBuilder.fromUri(request.getURI())
            .replacePath("/fhir")
            .replaceQuery(null)
            .build()
            .toUriString();
    String self = request.getURI().toString();
    String patient = parsed.patients().get(0);
    boolean noReadings = !vitalSigns || parsed.codes() != null && parsed.codes().isEmpty();
    Mono<List<Item>> readings =
        noReadings
            ? Mono.just(List.of())
            : observations
                .lastn(patient, parsed.codes(), max)
                .map(
                    row ->
                        new Item(
                            VitalSignMapping.LOINC_SYSTEM,
                            row.code(),
                            row.id().value(),
                            row.effectiveTime(),
                            VitalSignMapping.toObservation(row)))
                .collectList();
    Mono<List<Item>> resources =
        stored
            .lastn(patient, categories, codes, max)
            .map(
                entry ->
                    new Item(
                        entry.system(),
                        entry.code(),
                        entry.id(),
                        entry.date(),
                        observations.parse(entry.json())))
            .collectList();
    return readings.zipWith(resources, (a, b) -> bundle(newest(a, b, max), base, self));
  }

  /**
   * The newest {@code max} of each group of both parts, groups ordered by code and system, each
   * Observation once (in the first group it is among the newest of).
   */
  static List<Item> newest(List<Item> readings, List<Item> resources, int max) {
    Map<Group, List<Item>> groups = new TreeMap<>(Group.ORDER);
    for (List<Item> part : List.of(readings, resources)) {
      for (Item item : part) {
        groups
            .computeIfAbsent(new Group(item.system(), item.code()), key -> new ArrayList<>())
            .add(item);
      }
    }
    Set<String> listed = new HashSet<>();
    List<Item> newest = new ArrayList<>();
    for (List<Item> group : groups.values()) {
      group.sort(NEWEST_FIRST);
      for (Item item : group.subList(0, Math.min(max, group.size()))) {
        if (listed.add(item.id())) {
          newest.add(item);
        }
      }
    }
    return newest;
  }

  private static List<StoredLastn.Token> tokens(List<String> values) {
    List<StoredLastn.Token> tokens = new ArrayList<>();
    if (values != null) {
      for (String value : values) {
        for (String token : VitalQuery.values(value)) {
          tokens.add(StoredLastn.Token.parse(token));
        }
      }
    }
    return tokens;
  }

  /**
   * A {@code $lastn} group: one coding's system (null: none) and code; ordered by code, then
   * system.
   */
  private record Group(String system, String code) {
    static final Comparator<Group> ORDER =
        Comparator.comparing(Group::code)
            .thenComparing(Group::system, Comparator.nullsFirst(Comparator.naturalOrder()));
  }

  /** One {@code $lastn} candidate: an Observation in the group {@code system|code}. */
  record Item(String system, String code, String id, Instant date, Resource resource) {}

  @ExceptionHandler(InvalidSearchException.class)
  ResponseEntity<String> invalid(InvalidSearchException e) {
    return outcome(HttpStatus.BAD_REQUEST, OperationOutcome.IssueType.INVALID, e.getMessage());
  }

  @ExceptionHandler(UnsupportedLastnException.class)
  ResponseEntity<String> unsupported(UnsupportedLastnException e) {
    return outcome(HttpStatus.BAD_REQUEST, OperationOutcome.IssueType.NOTSUPPORTED, e.getMessage());
  }

  private ResponseEntity<String> bundle(List<Item> items, String base, String self) {
    Bundle bundle = new Bundle();
    bundle.setId(UUID.randomUUID().toString());
    bundle.setType(Bundle.BundleType.SEARCHSET);
    bundle.setTotal(items.size());
    bundle.addLink().setRelation("self").setUrl(self);
    for (Item item : items) {
      bundle
          .addEntry()
          .setFullUrl(base + "/Observation/" + item.id())
          .setResource(item.resource())
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
