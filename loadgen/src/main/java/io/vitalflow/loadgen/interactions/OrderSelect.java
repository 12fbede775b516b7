package io.vitalflow.loadgen.interactions;

import io.vitalflow.loadgen.engine.HttpLoadClient;
import io.vitalflow.loadgen.engine.Outcome;
import io.vitalflow.loadgen.engine.Workload;
import java.net.URI;
import java.util.concurrent.CompletionStage;
import java.util.random.RandomGenerator;

/**
 * One CDS Hooks {@code order-select} call per iteration: three draft MedicationRequests (the
 * report's aspirin, ibuprofen and warfarin, by RxNorm code and name), warfarin selected. Succeeds
 * on HTTP 200 with a critical card (warfarin + ibuprofen is a major interaction).
 */
final class OrderSelect implements Workload {

  static final String OPERATION = "cds order-select (3 meds)";

  static final String BODY =
      """
      {"hook":"order-select","hookInstance":"5b0f5c1e-loadgen-interactions",
       "context":{"userId":"Practitioner/loadgen","patientId":"loadgen-1",
        "selections":["MedicationRequest/warfarin"],
        "draftOrders":{"resourceType":"Bundle","type":"collection","entry":[%s,%s,%s]}},
       "prefetch":{"medications":null}}"""
          .formatted(
              draft("aspirin", "1191"), draft("ibuprofen", "5640"), draft("warfarin", "11289"));

  private final HttpLoadClient client;
  private final URI service;

  OrderSelect(HttpLoadClient client, URI service) {
    this.client = client;
    this.service = service;
  }

  @Override
  public CompletionStage<Outcome> start(int user, RandomGenerator random) {
    return client
        .post(service, "application/json", BODY)
        .handle(
            (answer, error) -> {
              if (error != null) {
                return Outcome.failed(OPERATION, HttpLoadClient.failureKind(error));
              }
              if (answer.status() != 200) {
                return Outcome.failed(OPERATION, "HTTP " + answer.status());
              }
              return answer.body().contains("critical")
                  ? Outcome.ok(OPERATION)
                  : Outcome.failed(OPERATION, "no critical card");
            });
  }

  private static String draft(String name, String rxcui) {
    return """
        {"resource":{"resourceType":"MedicationRequest","id":"%s","status":"draft","intent":"order",\
        "subject":{"reference":"Patient/loadgen-1"},"medicationCodeableConcept":{"coding":[{"system":\
        "http://www.nlm.nih.gov/research/umls/rxnorm","code":"%s","display":"%s"}],"text":"%s"}}}"""
        .formatted(name, rxcui, name, name);
  }
}
