package io.vitalflow.fhir.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URISyntaxException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.hl7.fhir.r4.model.Meta;
import org.hl7.fhir.r4.model.Resource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every official R4 example of the fixtures ({@code
 * r4-examples/{Patient,Observation,MedicationRequest}}) survives a create and a read unchanged: the
 * resource read back equals the file apart from {@code id}, {@code meta.versionId} and {@code
 * meta.lastUpdated} (the rest of {@code meta} - profiles, tags, security - must survive too).
 * Contained resources, primitive extensions, narratives, references to resources the server does
 * not hold: all of it must come back as sent.
 */
class R4ExamplesRoundTripTest {

  /**
   * Examples that legitimately do not round-trip, file name to reason. Empty: every example does.
   * Listed examples must still fail, so this list cannot go stale.
   */
  private static final Map<String, String> EXPECTED_FAILURES = Map.of();

  private static FhirServer server;
  private static FhirHttp http;
  private static ExecutorService pool;

  /**
   * The round trip of each example, started together in {@link #start()} (a write waits for its
   * commit).
   */
  private static final Map<Path, Future<String>> RESULTS = new ConcurrentHashMap<>();

  @BeforeAll
  static void start() throws Exception {
    server = FhirServer.start("fhir_r4_examples");
    http = new FhirHttp(server.base);
    pool = Executors.newFixedThreadPool(8);
    for (Path file : examples()) {
      RESULTS.put(file, pool.submit(() -> roundTripFailure(file)));
    }
  }

  @AfterAll
  static void stop() {
    pool.shutdownNow();
    server.close();
  }

  static List<Path> examples() throws IOException, URISyntaxException {
    Path root =
        Path.of(R4ExamplesRoundTripTest.class.getClassLoader().getResource("r4-examples").toURI());
    try (Stream<Path> files = Files.walk(root)) {
      return files.filter(p -> p.toString().endsWith(".json")).sorted().toList();
    }
  }

  @Test
  void theFixturesAreAllThere() throws Exception {
    // README: 22 Patients, 64 Observations, 40 MedicationRequests
    assertThat(examples()).hasSize(126);
    assertThat(EXPECTED_FAILURES.keySet())
        .allSatisfy(
            name ->
                assertThat(examples())
                    .anySatisfy(p -> assertThat(p.getFileName().toString()).isEqualTo(name)));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("examples")
  void createdAndReadBackUnchanged(Path file) throws Exception {
    String name = file.getFileName().toString();
    String failure;
    try {
      failure = RESULTS.get(file).get(60, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      throw e.getCause() instanceof Exception cause ? cause : e;
    }
    String expected = EXPECTED_FAILURES.get(name);
    if (expected == null) {
      assertThat(failure).as(name).isNull();
    } else {
      assertThat(failure)
          .as(name + " is listed as failing (" + expected + ") but round-trips: unlist it")
          .isNotNull();
    }
  }

  /** Null when the example round-trips; otherwise what went wrong, with both sides. */
  private static String roundTripFailure(Path file) throws IOException {
    String text = Files.readString(file);
    Resource original = (Resource) FhirHttp.FHIR.newJsonParser().parseResource(text);
    String type = original.fhirType();
    HttpResponse<String> created = http.post("/" + type, text);
    if (created.statusCode() != 201) {
      return "create answered " + created.statusCode() + ": " + created.body();
    }
    String location = FhirHttp.header(created, "Location");
    assertThat(location).as("Location").matches(server.base + "/" + type + "/[^/]+/_history/1");
    String id =
        location.substring(
            (server.base + "/" + type + "/").length(), location.indexOf("/_history/"));

    HttpResponse<String> read = http.get("/" + type + "/" + id);
    if (read.statusCode() != 200) {
      return "read answered " + read.statusCode() + ": " + read.body();
    }
    Resource back = (Resource) FhirHttp.FHIR.newJsonParser().parseResource(read.body());
    assertThat(back.fhirType()).isEqualTo(type);
    assertThat(back.getIdElement().getIdPart()).isEqualTo(id);
    assertThat(back.getMeta().getVersionId()).isEqualTo("1");
    assertThat(back.getMeta().getLastUpdated()).isNotNull();

    Resource expected = withoutServerFields(original.copy());
    Resource actual = withoutServerFields(back);
    if (expected.equalsDeep(actual)) {
      return null;
    }
    var pretty = FhirHttp.FHIR.newJsonParser().setPrettyPrint(true);
    return "differs from the original:\n--- sent\n"
        + pretty.encodeResourceToString(expected)
        + "\n--- read\n"
        + pretty.encodeResourceToString(actual)
        + "\n--- read (raw)\n"
        + read.body();
  }

  private static Resource withoutServerFields(Resource resource) {
    resource.setId((String) null);
    Meta meta = resource.getMeta();
    meta.setVersionId(null);
    meta.setLastUpdated(null);
    if (meta.isEmpty()) {
      resource.setMeta(null);
    }
    return resource;
  }
}
