package io.vitalflow.fhir.http;

import io.vitalflow.audit.AuditPage;
import io.vitalflow.audit.AuditSearch;
import io.vitalflow.audit.AuditSearchConfiguration;
import io.vitalflow.audit.InvalidAuditQueryException;
import io.vitalflow.web.security.Caller;
import io.vitalflow.web.security.Callers;
import io.vitalflow.web.security.Interaction;
import io.vitalflow.web.security.Refusals;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.hl7.fhir.r4.model.OperationOutcome.IssueType;
import org.springframework.context.annotation.Import;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestMethod;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.util.UriComponentsBuilder;
import reactor.core.publisher.Mono;

/**
 * {@code GET /fhir/AuditEvent}: the audit trail (table {@code audit_event}, stored by the
 * processor's audit sink) as a FHIR searchset, newest first, by {@code patient}, {@code agent},
 * {@code date}, {@code action}, {@code outcome}, {@code subtype}, paged with {@code _count} and the
 * {@code next} link's {@code _cursor}. Only with an audit scope ({@code user/AuditEvent.rs} or
 * {@code system/AuditEvent.rs}; a {@code *} scope never covers it): 403 otherwise. A {@code
 * patient/AuditEvent.rs} token sees the events of its own patient only. AuditEvents are written by
 * the services themselves: every write to the type is 405.
 */
@RestController
@Import(AuditSearchConfiguration.class)
final class AuditEventController {

  private static final String TYPE = "AuditEvent";

  private final AuditSearch search;
  private final Refusals refusals;

  AuditEventController(AuditSearch search, Refusals refusals) {
    this.search = search;
    this.refusals = refusals;
  }

  @GetMapping("/fhir/AuditEvent")
  Mono<ResponseEntity<String>> search(ServerWebExchange exchange) {
    return Callers.current().flatMap(caller -> search(exchange, caller));
  }

  private Mono<ResponseEntity<String>> search(ServerWebExchange exchange, Caller caller) {
    if (!caller.may(TYPE, Interaction.SEARCH)) {
      return refusals
          .forbidden(
              exchange,
              "Reading the audit trail needs the scope user/AuditEvent.rs or system/AuditEvent.rs"
                  + " (a * scope does not cover AuditEvent).")
          .then(Mono.empty());
    }
    ServerHttpRequest request = exchange.getRequest();
    Map<String, List<String>> parameters = new LinkedHashMap<>(request.getQueryParams());
    if (caller.compartmentOnly(TYPE, Interaction.SEARCH)) {
      List<String> patients = new ArrayList<>(parameters.getOrDefault("patient", List.of()));
      patients.add(caller.patient().orElseThrow());
      parameters.put("patient", patients);
    }
    return search
        .search(parameters)
        .onErrorMap(InvalidAuditQueryException.class, e -> FhirError.badRequest(e.getMessage()))
        .map(page -> bundle(request, page));
  }

  @RequestMapping(
      path = {"/fhir/AuditEvent", "/fhir/AuditEvent/{id}"},
      method = {RequestMethod.POST, RequestMethod.PUT, RequestMethod.PATCH, RequestMethod.DELETE})
  Mono<ResponseEntity<String>> write() {
    return Mono.error(
        new FhirError(
            HttpStatus.METHOD_NOT_ALLOWED,
            IssueType.NOTSUPPORTED,
            "AuditEvents are recorded by the VitalFlow services themselves and cannot be written"));
  }

  private static ResponseEntity<String> bundle(ServerHttpRequest request, AuditPage page) {
    String base = FhirController.base(request);
    BundleJson bundle = new BundleJson("searchset", null);
    bundle.link("self", request.getURI().toString());
    page.next()
        .ifPresent(
            cursor ->
                bundle.link(
                    "next",
                    UriComponentsBuilder.fromUri(request.getURI())
                        .replaceQueryParam("_cursor", cursor)
                        .build()
                        .toUriString()));
    for (String json : page.events()) {
      String[] typeAndId = BundleJson.typeAndId(json);
      bundle.entry(base + "/" + TYPE + "/" + typeAndId[1], json, "match", null, null);
    }
    FhirFormat format = FhirController.responseFormat(request);
    return ResponseEntity.ok()
        .contentType(format.mediaType())
        .body(format.fromJson(bundle.finish()));
  }
}
