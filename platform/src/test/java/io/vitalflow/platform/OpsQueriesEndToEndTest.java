package io.vitalflow.platform;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.vitalflow.local.LocalStack;
import io.vitalflow.platform.ops.OpsFiles;
import io.vitalflow.platform.ops.PromQl;
import io.vitalflow.platform.ops.PrometheusServer;
import io.vitalflow.storage.PostgresCoordinates;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * Every query of the operations files ({@code ops/}: the Grafana dashboards' panels and the
 * Prometheus alert rules) reads metrics the services really expose: the local platform runs (every
 * service, security and the audit trail on, a small device simulator), gets a little traffic of
 * each kind (readings, a rejected one, FHIR creates, reads and a miss, medication orders, a live
 * dashboard connection), and each service's {@code /actuator/prometheus} is scraped with an
 * operations token. Every metric name in every expression must be among the scraped ones. Where the
 * Debian package {@code prometheus} is installed, a real Prometheus then scrapes the services for a
 * while and every dashboard query must return data.
 */
class OpsQueriesEndToEndTest {

  private static final String PROMETHEUS = "/usr/bin/prometheus";

  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

  @Test
  void everyDashboardAndAlertQueryReadsMetricsTheServicesExpose(@TempDir Path dataDir)
      throws Exception {
    String security = System.getProperty("vitalflow.security.enabled");
    String audit = System.getProperty("vitalflow.audit.enabled");
    System.setProperty("vitalflow.security.enabled", "true");
    System.setProperty("vitalflow.audit.enabled", "true"); // its metrics are on the dashboards
    boolean prometheusInstalled = Files.isExecutable(Path.of(PROMETHEUS));
    List<OpsFiles.Query> queries =
        Stream.of(OpsFiles.dashboardQueries(), OpsFiles.alertQueries(), OpsFiles.scalingQueries())
            .flatMap(List::stream)
            .toList();
    try (LocalPlatform platform = start(dataDir)) {
      String ops = token(dataDir, "--scope=vitalflow/ops");
      Map<String, URI> services = new LinkedHashMap<>();
      for (String service : LocalPlatform.SERVICES) {
        services.put(service, URI.create("http://127.0.0.1:" + platform.ports.get(service)));
      }
      // real Prometheus from the start: it scrapes while the traffic runs and Kafka's clients
      // register their task metrics (Micrometer looks for new ones every minute)
      try (PrometheusServer prometheus =
          prometheusInstalled
              ? PrometheusServer.start(
                  Path.of(PROMETHEUS), dataDir.resolve("prometheus"), services, ops)
              : null) {
        CompletableFuture<?> dashboard = traffic(dataDir, services);
        Map<String, String> scraped = new LinkedHashMap<>();
        List<String> missing = new ArrayList<>();
        try {
          await()
              .atMost(Duration.ofSeconds(120))
              .pollInterval(Duration.ofSeconds(2))
              .until(
                  () -> {
                    for (Map.Entry<String, URI> service : services.entrySet()) {
                      scraped.put(service.getKey(), scrape(service.getValue(), ops));
                    }
                    missing.clear();
                    missing.addAll(missing(queries, scraped));
                    return missing.isEmpty()
                        && scraped.get("processor").contains("vitalflow_sink_accepted_to_stored")
                        && scraped.get("fhir").contains("vitalflow_fhir_write_readable");
                  });
          dump(scraped);
          assertThat(missing).as("metric names no service exposes").isEmpty();
          histogramsAddUp(scraped);

          if (prometheus == null) {
            Assumptions.abort(
                PROMETHEUS
                    + " is not installed (Debian package prometheus, .ci/run installs it): every"
                    + " metric name was checked, the dashboards' queries were not run");
          }
          everyDashboardQueryReturnsData(prometheus);
        } catch (ConditionTimeoutException e) {
          assertThat(missing).as("metric names no service exposes").isEmpty();
          throw e;
        } finally {
          dashboard.cancel(true);
        }
      }
    } finally {
      restore("vitalflow.security.enabled", security);
      restore("vitalflow.audit.enabled", audit);
    }
  }

  /** The names {@code queries} use that no service exposes, each with where it is used. */
  private static List<String> missing(List<OpsFiles.Query> queries, Map<String, String> scraped) {
    Set<String> exposed = new TreeSet<>();
    scraped.values().forEach(text -> exposed.addAll(sampleNames(text)));
    List<String> missing = new ArrayList<>();
    for (OpsFiles.Query query : queries) {
      Set<String> names = PromQl.metricNames(query.expression());
      assertThat(names).as("metric names in %s", query).isNotEmpty();
      for (String name : names) {
        if (!exposed.contains(name)) {
          missing.add(name + " (" + query.source() + " / " + query.name() + ")");
        }
      }
    }
    return missing;
  }

  /** The scraped expositions in {@code target/ops-scrape/}, for whoever writes the next query. */
  private static void dump(Map<String, String> scraped) throws IOException {
    Path dump = Path.of("target", "ops-scrape");
    Files.createDirectories(dump);
    for (Map.Entry<String, String> exposition : scraped.entrySet()) {
      Files.writeString(dump.resolve(exposition.getKey() + ".prom"), exposition.getValue());
    }
  }

  /**
   * The latency meters are histograms (buckets Prometheus can add up across instances), not
   * client-side percentiles (which cannot be).
   */
  private static void histogramsAddUp(Map<String, String> scraped) {
    assertThat(scraped.get("processor"))
        .contains("vitalflow_sink_accepted_to_stored_seconds_bucket{le=\"30.0\"}")
        .doesNotContain("vitalflow_sink_accepted_to_stored_seconds{quantile=");
    assertThat(scraped.get("fhir"))
        .contains("vitalflow_fhir_write_readable_seconds_bucket{le=\"10.0\"}")
        .doesNotContain("vitalflow_fhir_write_readable_seconds{quantile=");
    assertThat(scraped.get("ingest")).contains("vitalflow_ingest_produce_latency_seconds_bucket{");
    for (String text : scraped.values()) {
      assertThat(text.lines().filter(l -> l.startsWith("vitalflow_") && l.contains("quantile=")))
          .as("client-side percentiles of VitalFlow's meters")
          .isEmpty();
    }
  }

  /**
   * Every dashboard query, run by the real Prometheus that has scraped the services for a while,
   * returns at least one series (tried again for up to a minute: a rate needs two scrapes).
   */
  private static void everyDashboardQueryReturnsData(PrometheusServer prometheus) throws Exception {
    List<OpsFiles.Query> queries = OpsFiles.dashboardQueries();
    Map<OpsFiles.Query, String> failing = new LinkedHashMap<>();
    Instant deadline = Instant.now().plus(Duration.ofSeconds(60));
    do {
      failing.clear();
      for (OpsFiles.Query query : queries) {
        String result = prometheus.query(grafanaToPromQl(query.expression()));
        if (result == null) {
          failing.put(query, "no data");
        } else if (!result.isEmpty()) {
          failing.put(query, result);
        }
      }
      if (!failing.isEmpty()) {
        Thread.sleep(2_000);
      }
    } while (!failing.isEmpty() && Instant.now().isBefore(deadline));
    assertThat(failing).as("dashboard queries without data (or with errors)").isEmpty();
    JsonNode rules = prometheus.rules();
    assertThat(rules.path("status").asString()).isEqualTo("success");
    List<String> broken = new ArrayList<>();
    for (JsonNode group : rules.path("data").path("groups")) {
      for (JsonNode rule : group.path("rules")) {
        if ("err".equals(rule.path("health").asString())) {
          broken.add(rule.path("name").asString() + ": " + rule.path("lastError").asString());
        }
      }
    }
    assertThat(broken).as("alert rules Prometheus could not evaluate").isEmpty();
  }

  /** Grafana's interval variables, as Grafana would fill them in for a short time range. */
  static String grafanaToPromQl(String expression) {
    return expression
        .replace("$__rate_interval", "1m")
        .replace("$__interval", "15s")
        .replace("$__range", "5m");
  }

  /**
   * Readings (the simulator's, and a rejected one), FHIR writes, reads and a miss, two medication
   * orders that interact, and a live dashboard connection kept open (the returned future).
   */
  private CompletableFuture<?> traffic(Path dataDir, Map<String, URI> services) throws Exception {
    String writer = token(dataDir, "--scope=system/*.cruds");
    HttpResponse<String> rejected =
        send(
            services.get("ingest"),
            "POST",
            "/api/v1/vitals",
            token(dataDir, "--scope=system/Observation.c"),
            "application/json",
            "[{\"patientId\":\"ops-1\",\"deviceId\":\"m-1\",\"code\":\"8867-4\",\"value\":900,"
                + "\"unit\":\"/min\",\"effectiveTime\":\""
                + Instant.now()
                + "\"}]");
    assertThat(rejected.statusCode()).as(rejected.body()).isIn(207, 422);
    for (int i = 0; i < 3; i++) {
      HttpResponse<String> created =
          send(
              services.get("fhir"),
              "POST",
              "/fhir/Patient",
              writer,
              "application/fhir+json",
              "{\"resourceType\":\"Patient\",\"name\":[{\"family\":\"Ops\"}]}");
      assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
    }
    for (String[] drug :
        List.of(
            new String[] {"855332", "warfarin sodium 5 MG Oral Tablet"},
            new String[] {"310965", "ibuprofen 200 MG Oral Tablet"})) {
      HttpResponse<String> order =
          send(
              services.get("fhir"),
              "POST",
              "/fhir/MedicationRequest",
              writer,
              "application/fhir+json",
              """
              {"resourceType":"MedicationRequest","status":"active","intent":"order",
               "medicationCodeableConcept":{"coding":[{"system":"http://www.nlm.nih.gov/research/umls/rxnorm",
                 "code":"%s","display":"%s"}]},
               "subject":{"reference":"Patient/ops-1"}}"""
                  .formatted(drug[0], drug[1]));
      assertThat(order.statusCode()).as(order.body()).isEqualTo(201);
    }
    String reader = token(dataDir, "--scope=system/*.rs");
    assertThat(send(services.get("fhir"), "GET", "/fhir/Patient?family=ops", reader, null, null))
        .extracting(HttpResponse::statusCode)
        .isEqualTo(200);
    assertThat(send(services.get("fhir"), "GET", "/fhir/Patient/no-such", reader, null, null))
        .extracting(HttpResponse::statusCode)
        .isEqualTo(404);
    HttpRequest events =
        HttpRequest.newBuilder(
                services.get("dashboard").resolve("/api/v1/dashboard/events?patients=sim-1"))
            .header("Authorization", "Bearer " + reader)
            .header("Accept", "text/event-stream")
            .GET()
            .build();
    return http.sendAsync(events, HttpResponse.BodyHandlers.ofLines())
        .thenAccept(
            response -> {
              try (Stream<String> lines = response.body()) {
                lines.forEach(line -> {}); // read until cancelled
              }
            });
  }

  private HttpResponse<String> send(
      URI base, String method, String path, String token, String type, String body)
      throws Exception {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(base.resolve(path))
            .timeout(Duration.ofSeconds(30))
            .header("Authorization", "Bearer " + token)
            .method(
                method,
                body == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(body));
    if (type != null) {
      request.header("Content-Type", type);
    }
    return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  private String scrape(URI service, String token) throws Exception {
    HttpResponse<String> response = send(service, "GET", "/actuator/prometheus", token, null, null);
    assertThat(response.statusCode()).as("%s/actuator/prometheus", service).isEqualTo(200);
    return response.body();
  }

  /**
   * The sample names of a Prometheus text exposition ({@code foo_bucket}, {@code foo_count}, ...).
   */
  static Set<String> sampleNames(String exposition) {
    Set<String> names = new TreeSet<>();
    for (String line : exposition.split("\n")) {
      if (line.isBlank() || line.startsWith("#")) {
        continue;
      }
      int end = 0;
      while (end < line.length() && line.charAt(end) != '{' && line.charAt(end) != ' ') {
        end++;
      }
      names.add(line.substring(0, end));
    }
    return names;
  }

  private static LocalPlatform start(Path dataDir) {
    LocalStack stack = LocalStack.shared();
    PostgresCoordinates database = stack.freshDatabase("platform_ops");
    Map<String, String> flags = new HashMap<>();
    flags.put("data-dir", dataDir.toString());
    flags.put("patients", "5");
    flags.put("interval", "1s");
    for (String port :
        List.of("ingest-port", "fhir-port", "processor-port", "dashboard-port", "auth-port")) {
      flags.put(port, "0");
    }
    flags.put("kafka", stack.kafkaBootstrap());
    flags.put("jdbc-url", database.jdbcUrl());
    flags.put("jdbc-user", database.user());
    flags.put("jdbc-password", database.password());
    LocalPlatform platform = new LocalPlatform(flags);
    try {
      platform.start();
    } catch (RuntimeException e) {
      platform.close();
      throw e;
    }
    return platform;
  }

  private static String token(Path dataDir, String... flags) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    String[] args = new String[flags.length + 2];
    args[0] = "token";
    args[1] = "--data-dir=" + dataDir;
    System.arraycopy(flags, 0, args, 2, flags.length);
    int code =
        Vitalflow.run(
            args,
            new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8));
    assertThat(code).as(err.toString(StandardCharsets.UTF_8)).isZero();
    return out.toString(StandardCharsets.UTF_8).strip();
  }

  private static void restore(String property, String value) {
    if (value == null) {
      System.clearProperty(property);
    } else {
      System.setProperty(property, value);
    }
  }
}
