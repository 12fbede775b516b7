package io.vitalflow.dashboard.ward;

import java.util.Map;
import java.util.Set;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.ErrorResponseException;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;

/** The small admin API of the patient-to-ward assignment. Errors are RFC 9457 problem details. */
@RestController
@RequestMapping("/api/v1/wards")
class WardController {

  private final WardAssignments wards;

  WardController(WardAssignments wards) {
    this.wards = wards;
  }

  /** Puts a patient on a ward (moving it off any other); 204. */
  @PutMapping("/{ward}/patients/{patientId}")
  Mono<ResponseEntity<Void>> assign(@PathVariable String ward, @PathVariable String patientId) {
    requireId("ward", ward);
    requireId("patient id", patientId);
    return wards.assign(ward, patientId).thenReturn(ResponseEntity.noContent().build());
  }

  /**
   * {@code {"ward": "..", "patients": [..]}}; a ward nobody is on has no patients (200, empty
   * list).
   */
  @GetMapping("/{ward}")
  Map<String, Object> ward(@PathVariable String ward) {
    requireId("ward", ward);
    Set<String> patients = wards.patients(ward);
    return Map.of("ward", ward, "patients", patients);
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
