package io.vitalflow.loadgen.seed;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vitalflow.loadgen.FakePlatform;
import io.vitalflow.loadgen.Loadgen;
import io.vitalflow.loadgen.engine.ScenarioException;
import io.vitalflow.loadgen.report.RunReport;
import io.vitalflow.loadgen.report.RunReport.OperationSummary;
import io.vitalflow.loadgen.vitalsquery.VitalsQueryCommand;
import io.vitalflow.loadgen.vitalsquery.VitalsQueryScenario;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Short runs of {@code seed} and {@code vitals-query} against {@link FakePlatform}: counts add up,
 * paths right.
 */
class SeedAndQueryRunTest {

  private FakePlatform fake;
  private final ByteArrayOutputStream output = new ByteArrayOutputStream();
  private final PrintStream out = new PrintStream(output, true, StandardCharsets.UTF_8);

  @BeforeEach
  void start() throws Exception {
    fake = new FakePlatform();
  }

  @AfterEach
  void stop() {
    fake.close();
  }

  @Test
  void seedsEveryPatientAndTheVitalsInChronologicalWaves() throws Exception {
    SeedOptions options =
        SeedCommand.parse(
            new String[] {
              "--fhir-url=" + fake.base() + "/fhir",
              "--ingest-url=" + fake.base(),
              "--patients=1200",
              "--batch=500",
              "--concurrency=3",
              "--vitals-patients=10",
              "--vitals-days=1",
              "--vitals-every=60m",
              "--vitals-batch=24",
              "--progress=1s"
            });

    RunReport report = new Seeder(options, out).run();

    assertThat(fake.unexpected).isEmpty();
    assertThat(fake.bundles.get()).isEqualTo(3);
    assertThat(fake.patients).hasSize(1200).contains("lg-p000001", "lg-p001200");
    long readings =
        fake.readingsRequests.stream().mapToLong(FakePlatform.ReadingsRequest::readings).sum();
    assertThat(readings).isBetween(10L * 6 * 24, 10L * 6 * 25);
    assertThat(fake.readingsRequests)
        .allSatisfy(r -> assertThat(r.readings()).isLessThanOrEqualTo(24));
    Instant seen = Instant.MIN;
    for (FakePlatform.ReadingsRequest request : fake.readingsRequests) {
      // a request never arrives after one with readings a wave span (30 s) newer than its own
      assertThat(request.from())
          .isAfterOrEqualTo(seen.equals(Instant.MIN) ? seen : seen.minusSeconds(29));
      seen = request.to().isAfter(seen) ? request.to() : seen;
    }
    assertThat(seen)
        .isBeforeOrEqualTo(Instant.now())
        .isAfter(Instant.now().minus(Duration.ofHours(1)));

    assertThat(report.scenario()).isEqualTo("seed");
    assertThat(report.passed()).isTrue();
    Map<String, OperationSummary> ops = byName(report);
    assertThat(ops.get(Seeder.PATIENT_BUNDLE).count()).isEqualTo(3);
    assertThat(ops.get(Seeder.VITALS_BATCH).count()).isEqualTo(fake.readingsRequests.size());
    assertThat(ops.get(RunReport.ALL).errorKinds()).isEmpty();
    assertThat(report.results())
        .anySatisfy(r -> assertThat(r.value()).startsWith("1,200 of 1,200 (1,200 created"));
    assertThat(report.results())
        .anySatisfy(
            r ->
                assertThat(r.value())
                    .isEqualTo(
                        String.format(java.util.Locale.ROOT, "%,d of %,d", readings, readings)));
    assertThat(output.toString(StandardCharsets.UTF_8))
        .contains("seed: 1,200 Patients lg-p000001..lg-p001200");

    // a rerun updates the same Patients instead of creating new ones
    RunReport again =
        new Seeder(
                SeedCommand.parse(
                    new String[] {
                      "--fhir-url=" + fake.base() + "/fhir",
                      "--patients=1200",
                      "--vitals-patients=0"
                    }),
                out)
            .run();
    assertThat(again.passed()).isTrue();
    assertThat(fake.patients).hasSize(1200);
    assertThat(again.results())
        .anySatisfy(r -> assertThat(r.value()).contains("0 created, 1,200 updated"));
  }

  @Test
  void runsTheQueryMixClosedAndCountsEveryRequestUnderItsQuery() throws Exception {
    seedPatients(50);
    RunReport run =
        query("--stages=1s:6,1s:6", "--think=2ms", "--progress=1s", "--p95=5s", "--p99=5s");

    assertThat(fake.unexpected).isEmpty();
    Map<String, OperationSummary> ops = byName(run);
    // the server may see one more request per virtual user: LoadRunner stops counting while the
    // last
    // iterations of a user can still be starting
    assertCounted(
        ops.get("demographics"), fake.patientReads.get() - 2); // minus the two seed checks
    assertCounted(ops.get("recent-vitals"), fake.recentReads.get());
    assertCounted(ops.get("hourly-aggregates"), fake.hourlyReads.get());
    assertCounted(ops.get("new-reading"), fake.newReadings.get());
    long total =
        ops.get("demographics").count()
            + ops.get("recent-vitals").count()
            + ops.get("hourly-aggregates").count()
            + ops.get("new-reading").count();
    assertThat(ops.get(RunReport.ALL).count()).isEqualTo(total).isGreaterThan(100);
    assertThat(ops.get(RunReport.ALL).errorKinds()).isEmpty();
    assertThat(ops.get("demographics").count()).isGreaterThan(ops.get("recent-vitals").count());
    assertThat(run.passed()).isTrue();
    assertThat(run.comparisons())
        .extracting(RunReport.Comparison::replaced)
        .contains(
            "82,200 TPS",
            "2.1 ms",
            "8.7 ms",
            "15.3 ms",
            "34.2 ms",
            "12.8 ms",
            "18.5 ms",
            "22.1 ms",
            "9.3 ms");
    // the fake's hourly aggregates are empty: counted, and explained in a note
    assertThat(run.results())
        .anySatisfy(
            r -> {
              assertThat(r.name()).isEqualTo("empty hourly-aggregates answers");
              assertThat(r.value())
                  .isEqualTo(
                      String.format(
                          java.util.Locale.ROOT, "%,d", ops.get("hourly-aggregates").count()));
            });
    assertThat(output.toString(StandardCharsets.UTF_8))
        .contains("warning: no hourly aggregates of 7 days");
  }

  @Test
  void runsTheQueryMixOpenAtItsRate() throws Exception {
    seedPatients(50);
    RunReport run =
        query(
            "--model=open",
            "--rates=1ms:100,2s:100",
            "--max-in-flight=16",
            "--p95=5s",
            "--p99=5s",
            "--progress=1s");

    OperationSummary all = byName(run).get(RunReport.ALL);
    assertThat(all.count()).isBetween(180L, 201L);
    assertThat(all.errorKinds()).isEmpty();
    assertThat(run.results())
        .anySatisfy(r -> assertThat(r.name()).startsWith("arrivals never started"));
    assertThat(run.thresholds()).allSatisfy(t -> assertThat(t.held()).as(t.toString()).isTrue());
    assertThat(run.passed()).isTrue();
  }

  @Test
  void bothCommandsRunThroughLoadgenAndWriteTheirReports(@TempDir Path reports) throws Exception {
    String[] targets = {
      "--fhir-url=" + fake.base() + "/fhir",
      "--ingest-url=" + fake.base(),
      "--patients=20",
      "--vitals-patients=2",
      "--report-dir=" + reports
    };
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    PrintStream errors = new PrintStream(err, true, StandardCharsets.UTF_8);
    String[] seed =
        Stream.concat(
                Stream.of("seed", "--vitals-days=1", "--vitals-every=30m"), Stream.of(targets))
            .toArray(String[]::new);
    assertThat(Loadgen.run(seed, out, errors)).as(err.toString(StandardCharsets.UTF_8)).isZero();
    String[] query =
        Stream.concat(
                Stream.of(
                    "vitals-query",
                    "--api-url=" + fake.base(),
                    "--stages=1s:2",
                    "--p95=5s",
                    "--p99=5s"),
                Stream.of(targets))
            .toArray(String[]::new);
    assertThat(Loadgen.run(query, out, errors)).as(err.toString(StandardCharsets.UTF_8)).isZero();
    try (Stream<Path> files = Files.list(reports)) {
      assertThat(files.map(f -> f.getFileName().toString()))
          .anyMatch(f -> f.startsWith("seed-") && f.endsWith(".md"))
          .anyMatch(f -> f.startsWith("vitals-query-") && f.endsWith(".html"));
    }
  }

  @Test
  void aMissingSeedIsOneLineTellingToSeedFirst() {
    assertThatThrownBy(() -> query("--stages=1s:1"))
        .isInstanceOf(ScenarioException.class)
        .hasMessageContaining("seeded Patient lg-p000001 is not at")
        .hasMessageContaining("run `loadgen seed --patients=50 --id-prefix=lg` first");
  }

  @Test
  void badFlagsUnreachableServersAndUnknownScenariosExitTwoWithOneLine() throws Exception {
    int closedPort;
    try (ServerSocket socket = new ServerSocket(0)) {
      closedPort = socket.getLocalPort();
    }
    assertOneLineExit2(
        new String[] {"seed", "--vitals-days=8"}, "loadgen seed: --vitals-days must be at most 7");
    assertOneLineExit2(
        new String[] {"seed", "--fhir-url=http://127.0.0.1:" + closedPort + "/fhir"},
        "loadgen seed: cannot reach --fhir-url http://127.0.0.1:"
            + closedPort
            + "/fhir: connection refused");
    assertOneLineExit2(
        new String[] {"vitals-query", "--mix=1,2,3"}, "loadgen vitals-query: --mix must be");
    assertOneLineExit2(
        new String[] {
          "vitals-query",
          "--api-url=http://127.0.0.1:" + closedPort,
          "--fhir-url=" + fake.base() + "/fhir"
        },
        "loadgen vitals-query: cannot reach --api-url");
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    assertThat(
            Loadgen.run(
                new String[] {"sed"}, out, new PrintStream(err, true, StandardCharsets.UTF_8)))
        .isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8)).startsWith("loadgen: unknown scenario 'sed'");
  }

  private static void assertCounted(OperationSummary operation, long served) {
    assertThat(operation.count()).isBetween(served - 6, served);
  }

  private void assertOneLineExit2(String[] args, String message) throws Exception {
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int exit = Loadgen.run(args, out, new PrintStream(err, true, StandardCharsets.UTF_8));
    String text = err.toString(StandardCharsets.UTF_8);
    assertThat(exit).isEqualTo(2);
    assertThat(text).startsWith(message);
    assertThat(text.strip()).doesNotContain("\n");
  }

  private void seedPatients(int patients) throws Exception {
    SeedOptions options =
        SeedCommand.parse(
            new String[] {
              "--fhir-url=" + fake.base() + "/fhir", "--patients=" + patients, "--vitals-patients=0"
            });
    assertThat(new Seeder(options, out).run().passed()).isTrue();
  }

  private RunReport query(String... flags) throws Exception {
    String[] args = new String[flags.length + 5];
    args[0] = "--fhir-url=" + fake.base() + "/fhir";
    args[1] = "--api-url=" + fake.base();
    args[2] = "--ingest-url=" + fake.base();
    args[3] = "--patients=50";
    args[4] = "--vitals-patients=10";
    System.arraycopy(flags, 0, args, 5, flags.length);
    return new VitalsQueryScenario(VitalsQueryCommand.parse(args), out).run();
  }

  private static Map<String, OperationSummary> byName(RunReport report) {
    return report.operations().stream()
        .collect(Collectors.toMap(OperationSummary::name, Function.identity()));
  }
}
