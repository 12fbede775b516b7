package io.vitalflow.loadgen.vitalsquery;

import io.netty.handler.codec.http.HttpMethod;
import io.vitalflow.loadgen.engine.HttpLoadClient;
import io.vitalflow.loadgen.engine.HttpLoadClient.Answer;
import io.vitalflow.loadgen.engine.JsonText;
import io.vitalflow.loadgen.engine.Outcome;
import io.vitalflow.loadgen.engine.Workload;
import io.vitalflow.loadgen.fhir.FhirBenchmark;
import io.vitalflow.loadgen.seed.Seeder;
import io.vitalflow.loadgen.vitalsquery.QueryMix.Query;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.LongAdder;
import java.util.random.RandomGenerator;

/**
 * One iteration of the vitals query mix through the HTTP APIs: a FHIR read of a seeded Patient
 * (must carry a {@code contact}), a patient's readings of the last 24 h, the hourly aggregates of 7
 * days (both must be JSON arrays), or one new reading to the ingest gateway (must be accepted).
 * Patients are drawn uniformly from the seeded ids; the vitals queries from the first {@code
 * --vitals-patients}. Empty arrays count as successes but are counted apart: they mean the seeded
 * history is missing.
 */
public final class VitalsQueryWorkload implements Workload {

  static final String JSON = "application/json";

  /** LOINC code, canonical unit, lowest and highest value of a new reading. */
  private static final Object[][] NEW_READINGS = {
    {"8867-4", "/min", 60, 100}, {"59408-5", "%", 94, 100}, {"8480-6", "mm[Hg]", 105, 140},
    {"8462-4", "mm[Hg]", 65, 90}, {"8310-5", "Cel", 36, 38}, {"9279-1", "/min", 12, 20}
  };

  private static final Map<String, String> JSON_POST =
      Map.of("Content-Type", JSON, "Accept", JSON + ", application/problem+json");

  final LongAdder emptyRecent = new LongAdder();
  final LongAdder emptyHourly = new LongAdder();

  private final VitalsQueryOptions options;
  private final HttpLoadClient client;
  private final URI ingestEndpoint;

  VitalsQueryWorkload(VitalsQueryOptions options, HttpLoadClient client) {
    this.options = options;
    this.client = client;
    this.ingestEndpoint = Seeder.uri(options.ingestBase(), "/api/v1/vitals");
  }

  @Override
  public CompletionStage<Outcome> start(int user, RandomGenerator random) {
    Query query = options.mix().pick(random.nextInt(100));
    CompletableFuture<Answer> answer =
        switch (query) {
          case DEMOGRAPHICS ->
              client.get(
                  Seeder.uri(options.fhirBase(), "/Patient/" + anyPatient(random)),
                  FhirBenchmark.FHIR_JSON);
          case RECENT_VITALS -> client.get(vitals(random, "?window=PT24H&limit=100"), JSON);
          case HOURLY_AGGREGATES -> client.get(vitals(random, "/hourly?window=P7D"), JSON);
          case NEW_READING ->
              client.send(
                  HttpMethod.POST,
                  ingestEndpoint,
                  JSON_POST,
                  newReading(random).getBytes(StandardCharsets.UTF_8));
        };
    return answer.handle(
        (response, error) ->
            error != null
                ? Outcome.failed(query.label(), HttpLoadClient.failureKind(error))
                : judge(query, response));
  }

  private String anyPatient(RandomGenerator random) {
    return options.ids().patientId(1 + random.nextInt(options.patients()));
  }

  private URI vitals(RandomGenerator random, String rest) {
    String id = options.ids().patientId(1 + random.nextInt(options.vitalsPatients()));
    return Seeder.uri(options.apiBase(), "/api/v1/patients/" + id + "/vitals" + rest);
  }

  /** A reading of a random vital of a vitals patient, stamped now, as one JSON object. */
  String newReading(RandomGenerator random) {
    int patient = 1 + random.nextInt(options.vitalsPatients());
    Object[] vital = NEW_READINGS[random.nextInt(NEW_READINGS.length)];
    double value = Math.round(random.nextDouble((int) vital[2], (int) vital[3]) * 10) / 10.0;
    StringBuilder out = new StringBuilder(200);
    JsonText.string(out.append("{\"patientId\":"), options.ids().patientId(patient));
    JsonText.string(out.append(",\"deviceId\":"), options.ids().deviceId(patient));
    JsonText.string(out.append(",\"code\":"), (String) vital[0]);
    out.append(",\"value\":").append(value);
    JsonText.string(out.append(",\"unit\":"), (String) vital[1]);
    return JsonText.string(out.append(",\"effectiveTime\":"), Instant.now().toString())
        .append('}')
        .toString();
  }

  /** Success, or why not, of an answer to {@code query}. */
  Outcome judge(Query query, Answer answer) {
    int status = answer.status();
    String body = answer.body();
    return switch (query) {
      case DEMOGRAPHICS ->
          status != 200
              ? http(query, status)
              : body.contains("\"contact\"")
                  ? Outcome.ok(query.label())
                  : Outcome.failed(query.label(), "200 without contact");
      case RECENT_VITALS -> array(query, status, body, emptyRecent);
      case HOURLY_AGGREGATES -> array(query, status, body, emptyHourly);
      case NEW_READING ->
          status == 200 || status == 202 ? Outcome.ok(query.label()) : http(query, status);
    };
  }

  private static Outcome array(Query query, int status, String body, LongAdder empty) {
    if (status != 200) {
      return http(query, status);
    }
    String trimmed = body.strip();
    if (!(trimmed.startsWith("[") && trimmed.endsWith("]"))) {
      return Outcome.failed(query.label(), "200 without a JSON array");
    }
    if (trimmed.substring(1, trimmed.length() - 1).isBlank()) {
      empty.increment();
    }
    return Outcome.ok(query.label());
  }

  private static Outcome http(Query query, int status) {
    return Outcome.failed(query.label(), "HTTP " + status);
  }
}
