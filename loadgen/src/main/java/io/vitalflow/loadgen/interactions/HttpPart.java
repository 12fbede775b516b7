package io.vitalflow.loadgen.interactions;

import io.vitalflow.loadgen.auth.Bearer;
import io.vitalflow.loadgen.engine.HttpLoadClient;
import io.vitalflow.loadgen.engine.LoadModel;
import io.vitalflow.loadgen.engine.LoadResult;
import io.vitalflow.loadgen.engine.LoadRunner;
import io.vitalflow.loadgen.engine.ScenarioException;
import java.io.IOException;
import java.io.PrintStream;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * The check over HTTP: {@link OrderSelect} calls driven by the {@link LoadRunner} against the CDS
 * service.
 */
final class HttpPart {

  private final InteractionsOptions options;
  private final PrintStream out;
  private Bearer bearer = Bearer.NONE;

  HttpPart(InteractionsOptions options, PrintStream out) {
    this.options = options;
    this.out = out;
  }

  /**
   * Fails with a one-line {@link IllegalArgumentException} when the service is not in the server's
   * discovery.
   */
  void checkTarget() throws InterruptedException, ScenarioException {
    bearer = options.auth().open(out);
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    String problem;
    try {
      HttpRequest.Builder request =
          HttpRequest.newBuilder(options.discovery()).timeout(Duration.ofSeconds(10)).GET();
      String authorization = bearer.header();
      if (authorization != null) {
        request.header("Authorization", authorization);
      }
      HttpResponse<String> response =
          http.send(request.build(), HttpResponse.BodyHandlers.ofString());
      problem =
          response.statusCode() != 200
              ? "answered HTTP " + response.statusCode()
              : response.body().contains("\"" + options.serviceId() + "\"")
                  ? null
                  : "does not list service " + options.serviceId();
    } catch (IOException e) {
      problem = "cannot be reached (" + HttpLoadClient.failureKind(e) + ")";
    }
    if (problem != null) {
      throw new IllegalArgumentException(
          "--fhir-url: "
              + options.discovery()
              + " "
              + problem
              + "; start fhir-api or leave http out of --which");
    }
  }

  LoadResult run() throws InterruptedException {
    out.println("interactions: CDS Hooks order-select against " + options.cdsService());
    int connections =
        options.model() instanceof LoadModel.Closed closed
            ? closed.stages().peak()
            : ((LoadModel.Open) options.model()).maxInFlight();
    try (HttpLoadClient client =
        new HttpLoadClient(Math.max(1, connections), options.timeout(), bearer)) {
      return new LoadRunner(options.model(), options.progressEvery(), out, "interactions")
          .run(new OrderSelect(client, options.cdsService()));
    }
  }
}
