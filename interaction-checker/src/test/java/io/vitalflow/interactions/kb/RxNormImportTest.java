package io.vitalflow.interactions.kb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vitalflow.interactions.CheckResult;
import io.vitalflow.interactions.Finding;
import io.vitalflow.interactions.Knowledge;
import io.vitalflow.interactions.Medication;
import io.vitalflow.interactions.WasmInteractionChecker;
import io.vitalflow.interactions.host.PluginLimits;
import io.vitalflow.interactions.reference.KnowledgeBase;
import io.vitalflow.interactions.reference.ReferenceChecker;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The importer on fixture RRF files (src/test/resources/rxnorm/rrf, invented product codes
 * 99000xx).
 */
class RxNormImportTest {

  static final long WARFARIN = 11289;
  static final long IBUPROFEN = 5640;
  static final long SMX = 10180;
  static final long TMP = 10829;

  @TempDir static Path tmp;
  static Path store;
  static RxNormImport.Result result;
  static Knowledge imported;

  @BeforeAll
  static void importFixture() throws IOException {
    Path rrf = tmp.resolve("rrf");
    Files.createDirectories(rrf);
    for (String f : List.of("RXNCONSO.RRF", "RXNREL.RRF")) {
      try (InputStream in = RxNormImportTest.class.getResourceAsStream("/rxnorm/rrf/" + f)) {
        Files.copy(in, rrf.resolve(f));
      }
    }
    store = tmp.resolve("store");
    result = RxNormImport.run(rrf, store, "fixture1");
    imported = Knowledge.load(result.directory());
  }

  @Test
  void writesANewCurrentVersionNamedAfterTheRelease() {
    assertThat(result.version())
        .startsWith(KnowledgeBase.load().version().replaceAll("\\+.*", "") + "-rxnorm.fixture1+");
    assertThat(KnowledgeStore.at(store).currentVersion()).contains(result.version());
    assertThat(imported.version()).isEqualTo(result.version());
    assertThat(result.codesByTermType())
        .containsKeys("PIN", "MIN", "SCDC", "SCD", "SBDC", "SBD", "GPCK", "BPCK", "BN");
    // each imported row names the release
    assertThat(imported.data().drugCodes().get(9900010L).source()).startsWith("RxNorm fixture1");
  }

  @ParameterizedTest(name = "{0} {1}")
  @CsvSource({
    "IN, 11289, 11289",
    "PIN, 9900001, 11289",
    "MIN, 9900002, 10180 10829",
    "SCDC, 9900003, 11289",
    "SCD, 9900006, 11289",
    "SCD, 9900007, 10180 10829",
    "SBDC, 9900009, 11289",
    "SBD, 9900010, 11289",
    "SBD, 9900011, 10180 10829",
    "GPCK, 9900012, 10180 10829",
    "BPCK, 9900013, 10180 10829",
    "BN, 9900008, 11289",
    "BN, 9900017, 10180 10829",
  })
  void everyTermTypeResolvesToItsIngredients(String tty, String code, String ingredients) {
    List<Long> expected =
        java.util.Arrays.stream(ingredients.split(" ")).map(Long::parseLong).toList();
    assertThat(imported.ingredients(Medication.rxcui(code))).as(tty).isEqualTo(expected);
    if (!tty.equals("IN")) {
      assertThat(imported.data().drugCodes().get(Long.parseLong(code)).tty()).isEqualTo(tty);
    }
  }

  @ParameterizedTest
  @CsvSource({
    "SY, Fixcou 5 mg tablet, 11289",
    "TMSY, Fixtrima DS, 10180 10829",
    "BN, FIXTRIM forte, 10180 10829"
  })
  void synonymsAndBrandNamesOfTheReleaseMatchByName(String tty, String name, String ingredients) {
    List<Long> expected =
        java.util.Arrays.stream(ingredients.split(" ")).map(Long::parseLong).toList();
    assertThat(imported.ingredients(Medication.named(name))).as(tty).isEqualTo(expected);
    assertThat(imported.ingredients(Medication.named(name.split(" ")[0] + "-free syrup")))
        .isEmpty();
    assertThat(imported.ingredients(Medication.named("free of " + name))).isEmpty();
  }

  @Test
  void conceptsWithoutAKnowledgeBaseIngredientAndOtherSourcesAreLeftOut() {
    assertThat(imported.data().drugCodes())
        .doesNotContainKeys(9900014L, 9900015L, 9900016L, 99000999L);
    assertThat(imported.ingredients(Medication.rxcui("9900014"))).isEmpty();
  }

  @Test
  void aMultiIngredientProductFindsTheInteractionOfEachIngredient() {
    try (WasmInteractionChecker checker =
        WasmInteractionChecker.start(
            WasmInteractionChecker.shippedCode(),
            imported,
            PluginLimits.defaults().withDeadline(Duration.ofSeconds(10)))) {
      // codes only, no display text: the SCD of sulfamethoxazole/trimethoprim with warfarin and
      // dofetilide
      CheckResult r =
          checker.check(
              List.of(
                  Medication.rxcui("9900007"),
                  Medication.rxcui("11289"),
                  Medication.rxcui("49247")));
      assertThat(r.unknown()).isEmpty();
      assertThat(r.findings())
          .extracting(Finding::first, Finding::second, f -> f.rule().id(), Finding::firstIngredient)
          .containsExactly(
              org.assertj.core.groups.Tuple.tuple(0, 1, "WARF-SULFAMETHOXAZOLE", SMX),
              org.assertj.core.groups.Tuple.tuple(0, 2, "DOFETILIDE-TRIMETHOPRIM", TMP));
      assertThat(r.findings())
          .allSatisfy(f -> assertThat(f.kbVersion()).isEqualTo(imported.version()));
      // the branded pack resolves the same way, and the plugin agrees with the reference
      List<Medication> pack =
          List.of(
              Medication.rxcui("9900013"),
              Medication.rxcui("9900010"),
              Medication.rxcui("49247"),
              Medication.rxcui("5640"));
      assertThat(checker.check(pack)).isEqualTo(new ReferenceChecker(imported.data()).check(pack));
      assertThat(checker.check(pack).findings())
          .extracting(f -> f.rule().id())
          .contains("WARF-SULFAMETHOXAZOLE", "DOFETILIDE-TRIMETHOPRIM", "WARF-NSAID");
    }
  }

  @Test
  void aRunningCheckerPicksUpTheNewVersionWithoutRestart() {
    try (WasmInteractionChecker checker =
        WasmInteractionChecker.shipped(
            PluginLimits.defaults().withDeadline(Duration.ofSeconds(10)))) {
      List<Medication> codesOnly = List.of(Medication.rxcui("9900010"), Medication.rxcui("5640"));
      assertThat(checker.check(codesOnly).unknown())
          .hasSize(1); // the shipped base does not know 9900010
      String before = checker.kbVersion();
      try (KnowledgeWatcher watcher = KnowledgeWatcher.watch(checker, store, Duration.ofHours(1))) {
        // the watcher loads the store's current version when it starts
        assertThat(checker.kbVersion()).isEqualTo(result.version()).isNotEqualTo(before);
        CheckResult r = checker.check(codesOnly);
        assertThat(r.unknown()).isEmpty();
        assertThat(r.findings())
            .singleElement()
            .satisfies(
                f -> {
                  assertThat(f.rule().id()).isEqualTo("WARF-NSAID");
                  assertThat(f.kbVersion()).isEqualTo(result.version());
                });
        assertThat(watcher.poll()).isFalse(); // nothing new
      }
    }
  }

  @Test
  void aServiceStartedOnAStoreLoadsAnImportWrittenWhileItRuns() throws Exception {
    // services build their checker with WasmInteractionChecker.shipped(); the store comes from a
    // setting
    Path serviceStore = tmp.resolve("service-store");
    Path rrf = tmp.resolve("rrf");
    System.setProperty(KnowledgeWatcher.STORE_PROPERTY, serviceStore.toString());
    try (WasmInteractionChecker checker =
        WasmInteractionChecker.shipped(
            PluginLimits.defaults().withDeadline(Duration.ofSeconds(10)))) {
      String shipped = KnowledgeBase.load().version();
      assertThat(checker.kbVersion()).isEqualTo(shipped); // empty store: the shipped knowledge
      RxNormImport.Result r = RxNormImport.run(rrf, serviceStore, "live");
      long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
      while (!checker.kbVersion().equals(r.version()) && System.nanoTime() < deadline) {
        Thread.sleep(100);
      }
      assertThat(checker.kbVersion()).isEqualTo(r.version()); // the watcher polls every 5 s
      assertThat(
              checker
                  .check(List.of(Medication.rxcui("9900011"), Medication.rxcui("11289")))
                  .findings())
          .singleElement()
          .extracting(f -> f.rule().id())
          .isEqualTo("WARF-SULFAMETHOXAZOLE");
    } finally {
      System.clearProperty(KnowledgeWatcher.STORE_PROPERTY);
    }
  }

  @Test
  void checksDuringKnowledgeReloadsAlwaysUseOneConsistentVersion() throws Exception {
    Knowledge base = Knowledge.shipped();
    List<Medication> meds = List.of(Medication.rxcui("9900010"), Medication.rxcui("5640"));
    try (WasmInteractionChecker checker =
        WasmInteractionChecker.start(
            WasmInteractionChecker.shippedCode(),
            base,
            PluginLimits.defaults().withDeadline(Duration.ofSeconds(10)))) {
      java.util.concurrent.atomic.AtomicBoolean stop =
          new java.util.concurrent.atomic.AtomicBoolean();
      java.util.concurrent.ConcurrentLinkedQueue<Throwable> errors =
          new java.util.concurrent.ConcurrentLinkedQueue<>();
      java.util.concurrent.atomic.AtomicInteger[] seen = {
        new java.util.concurrent.atomic.AtomicInteger(),
        new java.util.concurrent.atomic.AtomicInteger()
      };
      Thread[] workers = new Thread[3];
      for (int t = 0; t < workers.length; t++) {
        workers[t] =
            new Thread(
                () -> {
                  while (!stop.get()) {
                    try {
                      CheckResult r = checker.check(meds);
                      if (r.kbVersion().equals(imported.version())) {
                        // the imported version knows the SBD code: warfarin + ibuprofen
                        assertThat(r.findings())
                            .singleElement()
                            .extracting(f -> f.rule().id())
                            .isEqualTo("WARF-NSAID");
                        seen[1].incrementAndGet();
                      } else {
                        assertThat(r.kbVersion()).isEqualTo(base.version());
                        assertThat(r.unknown()).hasSize(1);
                        seen[0].incrementAndGet();
                      }
                    } catch (Throwable e) {
                      errors.add(e);
                    }
                  }
                });
        workers[t].start();
      }
      for (int i = 0; i < 20; i++) {
        checker.reload(i % 2 == 0 ? imported : base);
        Thread.sleep(20);
      }
      stop.set(true);
      for (Thread w : workers) {
        w.join();
      }
      assertThat(errors).isEmpty();
      assertThat(seen[0].get()).isPositive();
      assertThat(seen[1].get()).isPositive();
    }
  }

  @Test
  void aBrokenVersionInTheStoreIsNotLoaded() throws IOException {
    Path broken = tmp.resolve("broken-store");
    Path dir = KnowledgeStore.at(broken).write("9.9.9+000000000000", KnowledgeBase.packagedFiles());
    Files.writeString(dir.resolve("rules.tsv"), "X\t1\t2\tsevere\ta\tb\tc\td\n");
    try (WasmInteractionChecker checker =
            WasmInteractionChecker.shipped(
                PluginLimits.defaults().withDeadline(Duration.ofSeconds(10)));
        KnowledgeWatcher watcher = KnowledgeWatcher.watch(checker, broken, Duration.ofHours(1))) {
      assertThat(checker.kbVersion()).isEqualTo(KnowledgeBase.load().version());
      assertThat(watcher.poll()).isFalse();
    }
  }

  @Test
  void filesNotInTheRrfLayoutAreRefusedWithTheLine() throws IOException {
    Path bad = tmp.resolve("bad");
    Files.createDirectories(bad);
    Files.writeString(bad.resolve("RXNCONSO.RRF"), "11289|ENG|warfarin\n");
    Files.writeString(bad.resolve("RXNREL.RRF"), "");
    assertThatThrownBy(() -> RxNormImport.run(bad, tmp.resolve("s2"), "x"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("RXNCONSO.RRF line 1");
    assertThatThrownBy(() -> RxNormImport.run(tmp.resolve("nowhere"), tmp.resolve("s2"), "x"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("missing");
  }
}
