package io.vitalflow.fhir.cds;

import io.vitalflow.fhir.Unsecured;
import io.vitalflow.interactions.CheckResult;
import io.vitalflow.interactions.InteractionChecker;
import io.vitalflow.interactions.Medication;
import io.vitalflow.interactions.host.PluginTimeoutException;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;

/** A failing plugin gives 503 problem details, with nothing of the failure in the body. */
class CheckerFailureTest {

  @Test
  void pluginFailureIs503WithoutInternals() {
    InteractionChecker failing =
        new InteractionChecker() {
          @Override
          public CheckResult check(List<Medication> medications) {
            throw new PluginTimeoutException(
                "plugin call exceeded 1000 ms (secret internals)", null);
          }

          @Override
          public String kbVersion() {
            return "test";
          }
        };
    WebTestClient client =
        WebTestClient.bindToController(new CdsHooksController(failing, 100, null, null))
            .webFilter(Unsecured.filter())
            .build();
    client
        .post()
        .uri("/cds-services/vitalflow-drug-interactions-sign")
        .contentType(MediaType.APPLICATION_JSON)
        .bodyValue(HookJson.sign(List.of(HookJson.draft("w", HookJson.WARFARIN, "warfarin"))))
        .exchange()
        .expectStatus()
        .isEqualTo(503)
        .expectHeader()
        .contentType(MediaType.APPLICATION_PROBLEM_JSON)
        .expectBody()
        .jsonPath("$.status")
        .isEqualTo(503)
        .jsonPath("$.detail")
        .value(
            String.class,
            d ->
                org.assertj.core.api.Assertions.assertThat(d)
                    .doesNotContain("secret")
                    .doesNotContain("Exception"))
        .jsonPath("$.trace")
        .doesNotExist();
  }
}
