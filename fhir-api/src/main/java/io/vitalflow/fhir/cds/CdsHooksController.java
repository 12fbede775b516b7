package io.vitalflow.fhir.cds;

import io.vitalflow.audit.web.AuditDetails;
import io.vitalflow.fhir.FhirProperties;
import io.vitalflow.fhir.access.AccessRefused;
import io.vitalflow.fhir.input.BodyScan;
import io.vitalflow.fhir.search.ResourceSearch;
import io.vitalflow.fhir.search.SearchRequest;
import io.vitalflow.interactions.CheckResult;
import io.vitalflow.interactions.InteractionChecker;
import io.vitalflow.interactions.Medication;
import io.vitalflow.interactions.host.PluginException;
import io.vitalflow.kafka.Failures;
import io.vitalflow.web.security.InvalidTokenException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.core.io.buffer.DataBufferLimitException;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.security.core.context.ReactiveSecurityContextHolder;
import org.springframework.web.ErrorResponse;
import org.springframework.web.bind.annotation.CrossOrigin;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.util.UriComponentsBuilder;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * CDS Hooks 2.0: discovery, the two drug-interaction services and their feedback endpoint. A
 * request without {@code prefetch.medications} is checked against the patient's active
 * MedicationRequests in the FHIR store. Errors are RFC 9457 problem details (CDS Hooks defines no
 * error body): 400 malformed request, 404 unknown service, 503 interaction checker or database
 * failure. Nothing of a request (patient, medications, comments) is logged.
 */
@RestController
@RequestMapping("/cds-services")
@CrossOrigin // CDS clients such as the CDS Hooks sandbox call from the browser
final class CdsHooksController {

  private static final Logger log = LoggerFactory.getLogger(CdsHooksController.class);

  /**
   * The services read the patient's MedicationRequests: calling one, and sending feedback on its
   * cards, needs a scope that allows searching them ({@code system/MedicationRequest.s}, {@code
   * user/*.rs}, or {@code patient/MedicationRequest.s} for the token's own patient, whose
   * compartment then limits the lookup).
   */
  static final String SCOPE_TYPE = "MedicationRequest";

  /**
   * A FHIR resource id (R4 {@code id} datatype): what {@code context.patientId} must be to look it
   * up.
   */
  private static final Pattern FHIR_ID = Pattern.compile("[A-Za-z0-9\\-.]{1,64}");

  private final InteractionChecker checker;
  private final BodyScan scan;
  private final ResourceSearch store;
  private final FeedbackStore feedback;
  private final CdsAuthentication authentication;

  @Autowired
  CdsHooksController(
      InteractionChecker checker,
      FhirProperties properties,
      ResourceSearch store,
      FeedbackStore feedback,
      CdsAuthentication authentication) {
    this(checker, properties.maxDepth(), store, feedback, authentication);
  }

  /**
   * @param maxDepth deepest nesting of a request body ({@code vitalflow.fhir.max-depth})
   * @param store where active MedicationRequests are looked up when a request has no prefetch;
   *     null: nowhere
   * @param feedback where feedback goes; null: the feedback endpoint answers 503
   */
  CdsHooksController(
      InteractionChecker checker, int maxDepth, ResourceSearch store, FeedbackStore feedback) {
    this(checker, maxDepth, store, feedback, CdsAuthentication.unsecured());
  }

  /**
   * @param authentication who may call the services, and the rights of the store lookup
   */
  CdsHooksController(
      InteractionChecker checker,
      int maxDepth,
      ResourceSearch store,
      FeedbackStore feedback,
      CdsAuthentication authentication) {
    this.checker = checker;
    this.scan = new BodyScan(maxDepth);
    this.store = store;
    this.feedback = feedback;
    this.authentication = authentication;
  }

  @GetMapping(produces = MediaType.APPLICATION_JSON_VALUE)
  Map<String, List<CdsService>> discovery() {
    return Map.of("services", CdsService.ALL);
  }

  @PostMapping(path = "/{id}", produces = MediaType.APPLICATION_JSON_VALUE)
  Mono<Card.Response> call(
      @PathVariable String id, @RequestBody(required = false) String body, ServerHttpRequest http) {
    return authentication
        .authenticate(http.getHeaders().getFirst(HttpHeaders.AUTHORIZATION), url(http))
        .flatMap(verified -> checked(id, body, verified, AuditDetails.of(http)));
  }

  /** The URL the client called, without query: what a CDS Hooks JWT's {@code aud} must be. */
  private static String url(ServerHttpRequest http) {
    return UriComponentsBuilder.fromUri(http.getURI()).replaceQuery(null).build().toUriString();
  }

  private Mono<Card.Response> checked(
      String id, String body, CdsAuthentication.Verified verified, AuditDetails audit) {
    CdsService service = CdsService.byId(id).orElseThrow(UnknownService::new);
    HookRequest parsed = HookRequestParser.parse(service, body, scan);
    // the hook's patient (a value that is not a FHIR id is left out, and refused below)
    audit.patient(parsed.patientId());
    return withActiveMedications(parsed, verified)
        .flatMap(
            request -> {
              List<OrderedMedication> checked = new ArrayList<>(request.drafts());
              checked.addAll(request.active());
              if (checked.isEmpty()) {
                return Mono.just(new Card.Response(List.of()));
              }
              List<Medication> medications =
                  checked.stream().map(OrderedMedication::medication).toList();
              // the plugin call is CPU-bound and guarded by a 1 s watchdog: keep it off the event
              // loop
              return Mono.fromCallable(() -> checker.check(medications))
                  .subscribeOn(Schedulers.boundedElastic())
                  .map(result -> response(request, checked, result));
            });
  }

  /**
   * The request as sent when it carries {@code prefetch.medications}; otherwise with the patient's
   * active MedicationRequests from the FHIR store (a search {@code
   * MedicationRequest?patient=Patient/id&status=active}). A request without drafts needs no lookup:
   * nothing would be relevant.
   */
  private Mono<HookRequest> withActiveMedications(
      HookRequest request, CdsAuthentication.Verified verified) {
    if (request.prefetched() || store == null || request.drafts().isEmpty()) {
      return Mono.just(request);
    }
    if (!FHIR_ID.matcher(request.patientId()).matches()) {
      return Mono.error(
          new InvalidHookRequest(
              "context.patientId must be a FHIR resource id (letters, digits,"
                  + " '-' and '.', at most 64) for the service to read the patient's active medications; or send"
                  + " prefetch.medications"));
    }
    SearchRequest search =
        new SearchRequest(
            "MedicationRequest",
            Map.of(
                "patient", List.of("Patient/" + request.patientId()), "status", List.of("active")),
            InteractionChecker.MAX_MEDICATIONS,
            0,
            true);
    return authentication
        .storeRights(verified, request.fhirAccessToken())
        .flatMap(
            rights ->
                store
                    .search(search)
                    .contextWrite(ReactiveSecurityContextHolder.withAuthentication(rights))
                    .onErrorMap(e -> !(e instanceof InvalidHookRequest), StoreUnavailable::new))
        .map(
            result ->
                request.withActive(HookRequestParser.activeFromStore(request, result.matches())));
  }

  /**
   * CDS Hooks 2.0 feedback: what the clinician did with cards (accepted, or overridden with a
   * reason). Stored in {@code cds_feedback}; 200 with an empty body, as the specification asks.
   */
  @PostMapping(path = "/{id}/feedback")
  Mono<ResponseEntity<Void>> feedback(
      @PathVariable String id, @RequestBody(required = false) String body, ServerHttpRequest http) {
    return authentication
        .authenticate(http.getHeaders().getFirst(HttpHeaders.AUTHORIZATION), url(http))
        .then(Mono.defer(() -> checkedFeedback(id, body)));
  }

  private Mono<ResponseEntity<Void>> checkedFeedback(String id, String body) {
    CdsService service = CdsService.byId(id).orElseThrow(UnknownService::new);
    List<Feedback> items = FeedbackParser.parse(body, scan);
    if (feedback == null) {
      return Mono.error(new StoreUnavailable(null));
    }
    return feedback
        .save(service.id(), items)
        .onErrorMap(StoreUnavailable::new)
        .map(
            stored -> {
              log.debug("feedback for {}: {} items, {} new", service.id(), items.size(), stored);
              return ResponseEntity.ok().<Void>build();
            });
  }

  private static Card.Response response(
      HookRequest request, List<OrderedMedication> checked, CheckResult result) {
    List<Card> cards = InteractionCards.cards(request, checked, result);
    log.debug(
        "hook {} instance {}: {} medications, {} findings, {} unknown, {} cards",
        request.hook(),
        request.hookInstance(),
        checked.size(),
        result.findings().size(),
        result.unknown().size(),
        cards.size());
    return new Card.Response(cards);
  }

  /** Not this controller's to answer: the 403 with its Bearer challenge comes from web-support. */
  @ExceptionHandler({AccessRefused.class, InvalidTokenException.class})
  Mono<ResponseEntity<ProblemDetail>> refused(RuntimeException e) {
    return Mono.error(e);
  }

  @ExceptionHandler(InvalidHookRequest.class)
  ResponseEntity<ProblemDetail> invalid(InvalidHookRequest e) {
    return problem(HttpStatus.BAD_REQUEST, "Invalid CDS Hooks request", e.getMessage());
  }

  @ExceptionHandler(UnknownService.class)
  ResponseEntity<ProblemDetail> unknown(UnknownService e) {
    return problem(
        HttpStatus.NOT_FOUND,
        "Unknown CDS service",
        "No CDS service with this id; GET /cds-services lists the services");
  }

  @ExceptionHandler(PluginException.class)
  ResponseEntity<ProblemDetail> pluginFailed(PluginException e) {
    log.warn("interaction checker failed ({})", e.getClass().getSimpleName(), Failures.redacted(e));
    return problem(
        HttpStatus.SERVICE_UNAVAILABLE,
        "Interaction checker unavailable",
        "The drug-interaction check could not run; retry later");
  }

  @ExceptionHandler(StoreUnavailable.class)
  ResponseEntity<ProblemDetail> storeFailed(StoreUnavailable e) {
    if (e.getCause() != null) {
      log.warn(
          "CDS Hooks database access failed ({})",
          e.getCause().getClass().getSimpleName(),
          Failures.redacted(e.getCause()));
    }
    return problem(
        HttpStatus.SERVICE_UNAVAILABLE,
        "Database unavailable",
        "The service could not read or write its database; retry later (a hook request may also send"
            + " prefetch.medications)");
  }

  @ExceptionHandler(RuntimeException.class)
  ResponseEntity<ProblemDetail> failed(RuntimeException e) {
    if (e
        instanceof
        ErrorResponse spring) { // Spring's own request errors keep their status and headers
      return ResponseEntity.status(spring.getStatusCode())
          .headers(spring.getHeaders())
          .contentType(MediaType.APPLICATION_PROBLEM_JSON)
          .body(spring.getBody());
    }
    if (e instanceof DataBufferLimitException || e.getCause() instanceof DataBufferLimitException) {
      return problem(
          HttpStatus.CONTENT_TOO_LARGE, "Request too large", "The request body is too large");
    }
    log.error("CDS Hooks request failed", Failures.redacted(e));
    return problem(
        HttpStatus.INTERNAL_SERVER_ERROR, "Internal error", "The server log has the details");
  }

  private static ResponseEntity<ProblemDetail> problem(
      HttpStatus status, String title, String detail) {
    ProblemDetail problem = ProblemDetail.forStatusAndDetail(status, detail);
    problem.setTitle(title);
    return ResponseEntity.status(status)
        .contentType(MediaType.APPLICATION_PROBLEM_JSON)
        .body(problem);
  }

  /** The FHIR store or the feedback table could not be reached (503). */
  static final class StoreUnavailable extends RuntimeException {

    private static final long serialVersionUID = 1L;

    StoreUnavailable(Throwable cause) {
      super("CDS Hooks database access failed", cause, false, false);
    }
  }

  /** No service with the requested id (404). */
  static final class UnknownService extends RuntimeException {

    private static final long serialVersionUID = 1L;

    UnknownService() {
      super("unknown CDS service", null, false, false);
    }
  }
}
