package io.vitalflow.fhir.http;

import static io.vitalflow.fhir.http.FhirHttp.header;
import static io.vitalflow.fhir.http.FhirHttp.json;
import static io.vitalflow.fhir.http.FhirHttp.parse;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.IntFunction;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Patient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Concurrent writes to one resource: the command processor decides them one after the other, so
 * optimistic locking and conditional create hold under real concurrency (16 requests released at
 * once).
 */
class ConcurrencyTest {

  private static final int N = 16;

  private static FhirServer server;
  private static FhirHttp http;
  private static ExecutorService pool;

  @BeforeAll
  static void start() throws Exception {
    server = FhirServer.start("fhir_concurrency");
    http = new FhirHttp(server.base);
    pool = Executors.newFixedThreadPool(N);
  }

  @AfterAll
  static void stop() {
    pool.shutdownNow();
    server.close();
  }

  /**
   * Runs {@code request} for 0..n-1 on n threads, all released together; the responses in order of
   * i.
   */
  private static List<HttpResponse<String>> together(IntFunction<HttpResponse<String>> request)
      throws Exception {
    CountDownLatch ready = new CountDownLatch(N);
    CountDownLatch go = new CountDownLatch(1);
    List<Future<HttpResponse<String>>> futures = new ArrayList<>();
    for (int i = 0; i < N; i++) {
      int index = i;
      futures.add(
          pool.submit(
              () -> {
                ready.countDown();
                go.await();
                return request.apply(index);
              }));
    }
    assertThat(ready.await(10, TimeUnit.SECONDS)).isTrue();
    go.countDown();
    List<HttpResponse<String>> responses = new ArrayList<>();
    for (Future<HttpResponse<String>> future : futures) {
      responses.add(future.get(60, TimeUnit.SECONDS));
    }
    return responses;
  }

  private static Patient patient(String family) {
    Patient patient = new Patient();
    patient.addName().setFamily(family);
    return patient;
  }

  @Test
  void ofConcurrentUpdatesOfTheSameVersionExactlyOneWins() throws Exception {
    HttpResponse<String> created = http.post("/Patient", json(patient("Start")));
    assertThat(created.statusCode()).isEqualTo(201);
    String id = parse(Patient.class, created).getIdElement().getIdPart();

    List<HttpResponse<String>> responses =
        together(
            i ->
                http.put(
                    "/Patient/" + id,
                    json(patient("Writer" + i).setId(id)),
                    "If-Match",
                    "W/\"1\""));

    List<Integer> statuses = responses.stream().map(HttpResponse::statusCode).toList();
    assertThat(statuses).as("statuses").containsOnly(200, 412);
    assertThat(statuses.stream().filter(s -> s == 200).count()).as("winners").isEqualTo(1);
    int winner = statuses.indexOf(200);
    assertThat(header(responses.get(winner), "ETag")).isEqualTo("W/\"2\"");
    for (HttpResponse<String> loser : responses) {
      if (loser.statusCode() == 412) {
        FhirHttp.assertOutcome(loser, 412);
      }
    }

    Patient current = parse(Patient.class, http.get("/Patient/" + id));
    assertThat(current.getMeta().getVersionId()).isEqualTo("2");
    assertThat(current.getNameFirstRep().getFamily()).isEqualTo("Writer" + winner);
    Bundle history = parse(Bundle.class, http.get("/Patient/" + id + "/_history"));
    assertThat(history.getEntry()).hasSize(2);
  }

  @Test
  void concurrentIdenticalConditionalCreatesCreateOneResource() throws Exception {
    List<HttpResponse<String>> responses =
        together(
            i -> {
              Patient patient = patient("Conditional" + i);
              patient.addIdentifier().setSystem("urn:x").setValue("same");
              return http.post("/Patient", json(patient), "If-None-Exist", "identifier=urn:x|same");
            });

    List<Integer> statuses = responses.stream().map(HttpResponse::statusCode).toList();
    assertThat(statuses).as("statuses").containsOnly(200, 201);
    assertThat(statuses.stream().filter(s -> s == 201).count()).as("creations").isEqualTo(1);
    List<String> ids = new ArrayList<>();
    for (HttpResponse<String> response : responses) {
      Patient answered = parse(Patient.class, response);
      ids.add(answered.getIdElement().getIdPart());
      assertThat(answered.getMeta().getVersionId()).isEqualTo("1");
      assertThat(header(response, "Location"))
          .isEqualTo(server.base + "/Patient/" + ids.get(ids.size() - 1) + "/_history/1");
    }
    assertThat(ids).containsOnly(ids.get(0));
    String creator = "Conditional" + statuses.indexOf(201);
    assertThat(responses)
        .allSatisfy(
            r ->
                assertThat(parse(Patient.class, r).getNameFirstRep().getFamily())
                    .isEqualTo(creator));

    Bundle found = parse(Bundle.class, http.get("/Patient?identifier=urn:x%7Csame"));
    assertThat(found.getEntry()).hasSize(1);
    assertThat(found.getTotal()).isEqualTo(1);
    assertThat(found.getEntryFirstRep().getResource().getIdElement().getIdPart())
        .isEqualTo(ids.get(0));
    assertThat(parse(Bundle.class, http.get("/Patient/" + ids.get(0) + "/_history")).getEntry())
        .hasSize(1);
  }
}
