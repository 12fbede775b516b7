package io.vitalflow.fhir.vitals;

import io.vitalflow.fhir.access.Access;
import io.vitalflow.web.security.Interaction;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;

/**
 * Minimal vitals reads (queries 2 and 3 of the replaced system's benchmark): latest per code,
 * recent readings newest first, hourly aggregates. FHIR {@code Observation} search replaces these
 * with the FHIR issue. Each needs a scope that allows reading Observations; a patient-context token
 * gets its own patient's vitals only (the lists are empty for another patient).
 */
@RestController
@RequestMapping("/api/v1/patients/{patientId}/vitals")
class VitalsController {

  static final int MAX_LIMIT = 10_000;
  static final Duration MAX_WINDOW = Duration.ofDays(31);

  private final VitalsQueries queries;
  private final Clock clock;

  VitalsController(VitalsQueries queries) {
    this.queries = queries;
    this.clock = Clock.systemUTC();
  }

  @GetMapping("/latest")
  Mono<List<VitalsQueries.Latest>> latest(@PathVariable String patientId) {
    String id = checkedId(patientId);
    return Access.require("Observation", Interaction.READ).then(queries.latest(id).collectList());
  }

  @GetMapping
  Mono<List<VitalsQueries.Reading>> recent(
      @PathVariable String patientId,
      @RequestParam(defaultValue = "PT24H") Duration window,
      @RequestParam(defaultValue = "1000") int limit) {
    if (limit < 1 || limit > MAX_LIMIT) {
      throw new IllegalArgumentException("limit must be between 1 and " + MAX_LIMIT);
    }
    String id = checkedId(patientId);
    Duration checked = checkedWindow(window);
    return Access.require("Observation", Interaction.READ)
        .then(queries.recent(id, checked, limit, clock.instant()).collectList());
  }

  @GetMapping("/hourly")
  Mono<List<VitalsQueries.HourlyAggregate>> hourly(
      @PathVariable String patientId, @RequestParam(defaultValue = "P7D") Duration window) {
    String id = checkedId(patientId);
    Duration checked = checkedWindow(window);
    return Access.require("Observation", Interaction.READ)
        .then(queries.hourly(id, checked, clock.instant()).collectList());
  }

  @ExceptionHandler(IllegalArgumentException.class)
  ResponseEntity<ProblemDetail> badRequest(IllegalArgumentException e) {
    ProblemDetail problem =
        ProblemDetail.forStatusAndDetail(HttpStatus.BAD_REQUEST, e.getMessage());
    problem.setTitle("Invalid query");
    return ResponseEntity.badRequest().body(problem);
  }

  private static String checkedId(String patientId) {
    if (!patientId.matches("[A-Za-z0-9\\-.]{1,64}")) {
      throw new IllegalArgumentException("patient id must be 1-64 characters of [A-Za-z0-9-.]");
    }
    return patientId;
  }

  private static Duration checkedWindow(Duration window) {
    if (window.isNegative() || window.isZero() || window.compareTo(MAX_WINDOW) > 0) {
      throw new IllegalArgumentException("window must be positive and at most " + MAX_WINDOW);
    }
    return window;
  }
}
