package io.vitalflow.fhir.http;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.parser.LenientErrorHandler;
import io.vitalflow.fhir.input.ExtensionOnlyItems;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
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
 * The official R4 examples (npm {@code hl7.fhir.r4.examples@4.0.1}) survive a create and a read
 * through the HTTP API unchanged: the resource read back equals the file apart from {@code id},
 * {@code meta.versionId} and {@code meta.lastUpdated} (the rest of {@code meta} - profiles, tags,
 * security - must survive too). Contained resources, primitive extensions, narratives, references
 * to resources the server does not hold: all of it must come back as sent.
 *
 * <p>By default the examples of every resource type run: the fixtures {@code r4-examples/{Patient,
 * Observation,MedicationRequest}} (all of those types) and {@code r4-examples-sample} (up to three
 * of every other type, see its README), about 420 files in about a minute. With {@code
 * -Dvitalflow.r4-examples=<unpacked package folder>} all 5,306 resources of the package run instead
 * (see {@code docs/fhir.md} for the time).
 *
 * <p>The examples that are invalid per the specification (or over a server limit) are listed in
 * {@code r4-examples-rejected.tsv} with the status and the reason the server gives: a listed
 * example must be rejected so (the list cannot go stale), an unlisted one must round-trip (a new
 * rejection fails the test).
 */
class R4ExamplesRoundTripTest {

  /**
   * A listed rejection: the status of the create ({@code differs}: stored, but read back changed)
   * and a text the answer must hold.
   */
  record Rejection(String status, String reason) {

    String expectedStart() {
      return status.equals("differs")
          ? "differs from the original"
          : "create answered " + status + ":";
    }
  }

  private static final Map<String, Rejection> EXPECTED_FAILURES = rejections();

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

  /** Whether the whole package runs ({@code -Dvitalflow.r4-examples}). */
  static Path fullPackage() {
    String folder = System.getProperty("vitalflow.r4-examples");
    return folder == null || folder.isBlank() ? null : Path.of(folder);
  }

  static List<Path> examples() throws IOException, URISyntaxException {
    Path full = fullPackage();
    if (full != null) {
      try (Stream<Path> files = Files.list(full)) {
        return files
            .filter(p -> p.toString().endsWith(".json"))
            .filter(p -> !p.getFileName().toString().equals("package.json"))
            .sorted()
            .toList();
      }
    }
    List<Path> all = new ArrayList<>();
    for (String folder : List.of("r4-examples", "r4-examples-sample")) {
      Path root =
          Path.of(R4ExamplesRoundTripTest.class.getClassLoader().getResource(folder).toURI());
      try (Stream<Path> files = Files.walk(root)) {
        files.filter(p -> p.toString().endsWith(".json")).sorted().forEach(all::add);
      }
    }
    return all;
  }

  private static Map<String, Rejection> rejections() {
    Map<String, Rejection> listed = new TreeMap<>();
    try (var in = R4ExamplesRoundTripTest.class.getResourceAsStream("/r4-examples-rejected.tsv")) {
      for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
        if (line.isBlank() || line.startsWith("#")) {
          continue;
        }
        String[] columns = line.split("\t");
        listed.put(columns[0], new Rejection(columns[1], columns[2]));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return listed;
  }

  @Test
  void theExamplesCoverEveryResourceTypeAndTheListedRejections() throws Exception {
    Set<String> types = new TreeSet<>();
    Set<String> names = new TreeSet<>();
    for (Path file : examples()) {
      names.add(file.getFileName().toString());
      String text = Files.readString(file);
      types.add(
          ((Resource)
                  FhirHttp.FHIR
                      .newJsonParser()
                      .setParserErrorHandler(new LenientErrorHandler(false))
                      .parseResource(text))
              .fhirType());
    }
    // the package has 140 resource types (r4-examples-sample/README.md)
    assertThat(types).hasSize(140);
    // the sample leaves out the examples over the 2 MiB limit (they are 2-30 MB each)
    EXPECTED_FAILURES.forEach(
        (name, rejection) -> {
          if (fullPackage() != null || !rejection.status().equals("413")) {
            assertThat(names).as("listed rejections run").contains(name);
          }
        });
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("examples")
  void createdAndReadBackUnchanged(Path file) throws Exception {
    String name = file.getFileName().toString();
    String failure;
    try {
      failure = RESULTS.get(file).get(fullPackage() == null ? 120 : 1800, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      throw e.getCause() instanceof Exception cause ? cause : e;
    }
    Rejection expected = EXPECTED_FAILURES.get(name);
    if (expected == null) {
      assertThat(failure).as(name).isNull();
    } else {
      assertThat(failure)
          .as(
              name
                  + " is listed as rejected ("
                  + expected.reason()
                  + ") but round-trips: unlist it")
          .isNotNull()
          .startsWith(expected.expectedStart())
          .contains(expected.reason());
    }
  }

  /** Null when the example round-trips; otherwise what went wrong, with both sides. */
  private static String roundTripFailure(Path file) throws IOException {
    String text = Files.readString(file);
    // as the server reads it: lone _x arrays completed (HAPI would drop them), entry ids kept
    Resource original =
        (Resource)
            FhirHttp.FHIR
                .newJsonParser()
                .setOverrideResourceIdWithBundleEntryFullUrl(false)
                .parseResource(ExtensionOnlyItems.complete(text));
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
    Resource back =
        (Resource)
            FhirHttp.FHIR
                .newJsonParser()
                .setOverrideResourceIdWithBundleEntryFullUrl(false)
                .parseResource(read.body());
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
