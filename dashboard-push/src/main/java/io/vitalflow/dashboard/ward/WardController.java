package io.vitalflow.dashboard.ward;

import io.vitalflow.audit.AuditSubtype;
import io.vitalflow.audit.web.AuditDetails;
import io.vitalflow.dashboard.access.AccessPolicy;
import io.vitalflow.dashboard.access.Admissions;
import io.vitalflow.dashboard.access.ClientIdentity;
import io.vitalflow.dashboard.access.Refused;
import io.vitalflow.dashboard.access.RefusedResponses;
import io.vitalflow.dashboard.access.WardAccessPolicy;
import io.vitalflow.dashboard.push.DashboardService;
import io.vitalflow.web.security.Callers;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.ErrorResponseException;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

/**
 * The small admin API of the patient-to-ward assignment. Moving a patient needs the scope {@link
 * #ADMIN_SCOPE} (it changes who sees the patient live); reading a ward, that the caller may watch
 * it (and lists only the patients it may see). Errors are RFC 9457 problem details.
 */
@RestController
@RequestMapping("/api/v1/wards")
class WardController {

  /** The scope that allows moving patients between wards. */
  static final String ADMIN_SCOPE = "vitalflow/wards.admin";

  private final WardAssignments wards;
  private final DashboardService service;
  private final RefusedResponses refusals;

  WardController(WardAssignments wards, DashboardService service, RefusedResponses refusals) {
    this.wards = wards;
    this.service = service;
    this.refusals = refusals;
  }

  /** Puts a patient on a ward (moving it off any other); 204, or 403 without the admin scope. */
  @PutMapping("/{ward}/patients/{patientId}")
  Mono<ResponseEntity<Object>> assign(
      @PathVariable String ward, @PathVariable String patientId, ServerWebExchange exchange) {
    requireId("ward", ward);
    requireId("patient id", patientId);
    // the web filter's one event of this request (it also tells a ward move from the path)
    AuditDetails.of(exchange).subtype(AuditSubtype.WARD_MOVE).patient(patientId);
    return Callers.current()
        .flatMap(
            caller -> {
              if (!caller.scopes().has(ADMIN_SCOPE)) {
                return Mono.just(
                    refusals.entity(
                        exchange,
                        Refused.insufficientScope(
                            "Moving a patient between wards needs the scope "
                                + ADMIN_SCOPE
                                + ".")));
              }
              return wards
                  .assign(ward, patientId)
                  .thenReturn(ResponseEntity.noContent().<Object>build());
            });
  }

  /**
   * {@code {"ward": "..", "patients": [..]}}: the patients of the ward the caller may see; a ward
   * nobody is on has no patients (200, empty list); 403 for a ward the caller may not watch.
   */
  @GetMapping("/{ward}")
  Mono<ResponseEntity<Object>> ward(@PathVariable String ward, ServerWebExchange exchange) {
    requireId("ward", ward);
    AccessPolicy access = service.access();
    return Callers.current()
        .flatMap(
            caller -> {
              if (!WardAccessPolicy.mayWatch(caller)) {
                // the token cannot watch anything: a scope it lacks, said in the challenge
                return Mono.just(
                    refusals.entity(
                        exchange, Refused.insufficientScope(Admissions.NEEDS_OBSERVATION_READ)));
              }
              ClientIdentity client = ClientIdentity.of(caller);
              if (!access.mayWatchWard(client, ward)) {
                return Mono.just(
                    refusals.entity(
                        exchange, Refused.forbidden("Not allowed to watch this ward.")));
              }
              Set<String> patients = new TreeSet<>();
              for (String patientId : wards.patients(ward)) {
                if (access.maySee(client, patientId)) {
                  patients.add(patientId);
                }
              }
              return Mono.just(
                  ResponseEntity.ok().<Object>body(Map.of("ward", ward, "patients", patients)));
            });
  }

  private static void requireId(String what, String value) {
    if (!Ids.valid(value)) {
      ProblemDetail problem =
          ProblemDetail.forStatusAndDetail(
              HttpStatus.BAD_REQUEST,
              "The " + what + " must be 1 to 64 letters, digits, '-' or '.'");
      problem.setTitle("Invalid identifier");
      throw new ErrorResponseException(HttpStatus.BAD_REQUEST, problem, null);
    }
  }
}
