package io.vitalflow.loadgen.vitalsquery;

import io.vitalflow.loadgen.engine.HttpLoadClient;
import io.vitalflow.loadgen.engine.HttpLoadClient.Answer;
import io.vitalflow.loadgen.engine.LoadModels;
import io.vitalflow.loadgen.engine.LoadResult;
import io.vitalflow.loadgen.engine.LoadRunner;
import io.vitalflow.loadgen.engine.Reachability;
import io.vitalflow.loadgen.engine.ScenarioException;
import io.vitalflow.loadgen.fhir.FhirBenchmark;
import io.vitalflow.loadgen.report.RunReport;
import io.vitalflow.loadgen.seed.Seeder;
import java.io.PrintStream;
import java.time.Instant;
import java.util.Locale;
import java.util.concurrent.ExecutionException;

/**
 * {@code loadgen vitals-query}: the replaced system's Scenario 3 (database query throughput)
 * through our HTTP APIs. Checks that every base URL answers and that the seeded Patients are there,
 * runs {@link VitalsQueryWorkload} under the chosen load model and returns the report.
 */
public final class VitalsQueryScenario {

  private final VitalsQueryOptions options;
  private final PrintStream out;

  public VitalsQueryScenario(VitalsQueryOptions options, PrintStream out) {
    this.options = options;
    this.out = out;
  }

  /** Runs the mix; the report passes when its thresholds held. */
  public RunReport run() throws ScenarioException, InterruptedException {
    try (HttpLoadClient client =
        new HttpLoadClient(options.connections(), options.timeout(), options.auth().open(out))) {
      checkTargets(client);
      VitalsQueryWorkload workload = new VitalsQueryWorkload(options, client);
      out.printf(
          Locale.ROOT,
          "vitals-query: %s; mix %s%n",
          LoadModels.describe(options.model()),
          options.mix());
      Instant started = Instant.now();
      LoadResult result =
          new LoadRunner(options.model(), options.progressEvery(), out, "vitals-query")
              .run(workload);
      return new VitalsQueryReport(options, started, result, workload).build();
    }
  }

  private void checkTargets(HttpLoadClient client) throws ScenarioException, InterruptedException {
    Reachability.check(
        client, "--fhir-url", options.fhirBase(), Seeder.uri(options.fhirBase(), "/metadata"));
    Reachability.check(
        client, "--api-url", options.apiBase(), Seeder.uri(options.apiBase(), "/actuator/health"));
    if (options.mix().newReading() > 0) {
      Reachability.check(
          client,
          "--ingest-url",
          options.ingestBase(),
          Seeder.uri(options.ingestBase(), "/actuator/health"));
    }
    requirePatient(client, 1);
    requirePatient(client, options.patients());
    if (options.vitalsPatients() > 0) {
      warnIfEmpty(client, "?window=PT24H&limit=1", "readings of the last 24 h");
      warnIfEmpty(client, "/hourly?window=P7D", "hourly aggregates of 7 days");
    }
  }

  private void requirePatient(HttpLoadClient client, int n)
      throws ScenarioException, InterruptedException {
    String id = options.ids().patientId(n);
    Answer answer =
        get(client, Seeder.uri(options.fhirBase(), "/Patient/" + id), FhirBenchmark.FHIR_JSON);
    if (answer.status() != 200) {
      throw new ScenarioException(
          "seeded Patient "
              + id
              + " is not at "
              + options.fhirBase()
              + " (HTTP "
              + answer.status()
              + "): run `loadgen seed --patients="
              + options.patients()
              + " --id-prefix="
              + options.ids().prefix()
              + "` first");
    }
  }

  /**
   * Not fatal: the queries still run, but their answers are empty and the numbers are not
   * comparable.
   */
  private void warnIfEmpty(HttpLoadClient client, String query, String what)
      throws ScenarioException, InterruptedException {
    String id = options.ids().patientId(1);
    Answer answer =
        get(
            client,
            Seeder.uri(options.apiBase(), "/api/v1/patients/" + id + "/vitals" + query),
            VitalsQueryWorkload.JSON);
    if (answer.status() == 200 && answer.body().strip().equals("[]")) {
      out.printf(
          Locale.ROOT,
          "vitals-query: warning: no %s for %s; those queries will answer empty arrays"
              + " (seed vitals with loadgen seed; see docs/loadgen.md, \"Seeded history\")%n",
          what,
          id);
    }
  }

  private Answer get(HttpLoadClient client, java.net.URI uri, String accept)
      throws ScenarioException, InterruptedException {
    try {
      return client.get(uri, accept).get();
    } catch (ExecutionException e) {
      throw new ScenarioException("GET " + uri + " failed: " + HttpLoadClient.failureKind(e));
    }
  }
}
