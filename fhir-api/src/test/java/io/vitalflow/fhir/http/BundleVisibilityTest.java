package io.vitalflow.fhir.http;

import static io.vitalflow.fhir.http.SecuredFhir.bearer;
import static io.vitalflow.fhir.http.SecuredFhir.patientToken;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Bundle.BundleEntryComponent;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The GET entries of a batch or transaction see what a plain read or search would (issue 14's
 * patient compartment): with patient pa's token, a search entry returns only pa's resources and a
 * read of another patient's resource is a 404 of that entry; a search or read of a type the token
 * has no scope for is that entry's 403 (in a batch) or refuses the transaction.
 */
class BundleVisibilityTest {

  private static SecuredFhir fhir;

  @BeforeAll
  static void start() throws Exception {
    fhir = SecuredFhir.start("fhir_bundle_visibility");
  }

  @AfterAll
  static void stop() {
    fhir.close();
  }

  private static final String GETS =
      """
      {"resourceType":"Bundle","type":"TYPE","entry":[
        {"request":{"method":"GET","url":"Observation?code=http://loinc.org|2345-7"}},
        {"request":{"method":"GET","url":"Observation/obs-pb-2"}},
        {"request":{"method":"GET","url":"Observation/obs-pa-2"}},
        {"request":{"method":"GET","url":"Patient?_id=pa,pb,pc"}}]}""";

  @Test
  void getEntriesOfABatchSeeOnlyTheTokensPatient() {
    assertSeesOnlyItsPatient("batch", "patient/*.rs");

    HttpResponse<String> noScope = post("batch", "patient/Patient.rs");
    assertThat(FhirHttp.parse(Bundle.class, noScope).getEntry())
        .extracting(e -> e.getResponse().getStatus())
        .containsExactly("403 Forbidden", "403 Forbidden", "403 Forbidden", "200 OK");
  }

  @Test
  void getEntriesOfATransactionSeeOnlyTheTokensPatient() {
    assertSeesOnlyItsPatient("transaction", "patient/*.cruds");

    HttpResponse<String> noScope = post("transaction", "patient/Patient.rs");
    assertThat(noScope.statusCode()).as(noScope.body()).isEqualTo(403);
  }

  /** The GET entries, as patient {@code pa} with {@code scope}, see pa's resources only. */
  private static void assertSeesOnlyItsPatient(String bundleType, String scope) {
    HttpResponse<String> response = post(bundleType, scope);
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    List<BundleEntryComponent> entries = FhirHttp.parse(Bundle.class, response).getEntry();
    assertThat(entries)
        .extracting(e -> e.getResponse().getStatus())
        .containsExactly("200 OK", "404 Not Found", "200 OK", "200 OK");
    assertThat(ids((Bundle) entries.get(0).getResource()))
        .containsExactlyInAnyOrder("obs-pa-1", "obs-pa-2", "obs-pa-3");
    assertThat(ids((Bundle) entries.get(3).getResource())).containsExactly("pa");
  }

  private static HttpResponse<String> post(String bundleType, String scope) {
    return fhir.http.post(
        "",
        GETS.replace("TYPE", bundleType),
        bearer(patientToken("pa", scope), "Content-Type", FhirHttp.JSON));
  }

  private static List<String> ids(Bundle searchset) {
    List<String> ids = new ArrayList<>();
    for (BundleEntryComponent entry : searchset.getEntry()) {
      ids.add(entry.getResource().getIdElement().getIdPart());
    }
    return ids;
  }
}
