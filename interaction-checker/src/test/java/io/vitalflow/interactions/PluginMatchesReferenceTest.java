package io.vitalflow.interactions;

import static org.assertj.core.api.Assertions.assertThat;

import io.vitalflow.interactions.reference.KnowledgeBase;
import io.vitalflow.interactions.reference.ReferenceChecker;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** The plugin and the plain-Java reference agree on any medication list. */
class PluginMatchesReferenceTest {

  private static final KnowledgeBase KB = KnowledgeBase.load();
  private static final ReferenceChecker REFERENCE = new ReferenceChecker(KB);

  /** The shipped base plus the RxNorm fixture import (all term types, invented product codes). */
  private static final Knowledge IMPORTED = importedFixture();

  private static final WasmInteractionChecker IMPORTED_CHECKER =
      WasmInteractionChecker.start(
          WasmInteractionChecker.shippedCode(),
          IMPORTED,
          io.vitalflow.interactions.host.PluginLimits.defaults()
              .withDeadline(java.time.Duration.ofSeconds(10)));
  private static final ReferenceChecker IMPORTED_REFERENCE = new ReferenceChecker(IMPORTED.data());

  @Property(tries = 1000)
  void pluginAgreesWithReference(@ForAll("medicationLists") List<Medication> meds) {
    assertThat(Shipped.CHECKER.check(meds)).isEqualTo(REFERENCE.check(meds));
  }

  @Property(tries = 300)
  void pluginAgreesWithReferenceOnAnImportedMapping(
      @ForAll("importedLists") List<Medication> meds) {
    assertThat(IMPORTED_CHECKER.check(meds)).isEqualTo(IMPORTED_REFERENCE.check(meds));
  }

  @Provide
  Arbitrary<List<Medication>> importedLists() {
    List<String> codes =
        IMPORTED.data().drugCodes().keySet().stream().map(String::valueOf).toList();
    return Arbitraries.oneOf(Arbitraries.of(codes).map(Medication::rxcui), medication())
        .list()
        .ofMaxSize(12);
  }

  private static Knowledge importedFixture() {
    try {
      java.nio.file.Path dir = java.nio.file.Files.createTempDirectory("kb-import");
      java.nio.file.Path rrf = java.nio.file.Files.createDirectories(dir.resolve("rrf"));
      for (String f : List.of("RXNCONSO.RRF", "RXNREL.RRF")) {
        try (var in = PluginMatchesReferenceTest.class.getResourceAsStream("/rxnorm/rrf/" + f)) {
          java.nio.file.Files.copy(in, rrf.resolve(f));
        }
      }
      return Knowledge.load(
          io.vitalflow.interactions.kb.RxNormImport.run(rrf, dir.resolve("store"), "prop")
              .directory());
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  @Property(tries = 200)
  void findingsAreUniqueOrderedPairsOfDistinctMedications(
      @ForAll("medicationLists") List<Medication> meds) {
    CheckResult result = Shipped.CHECKER.check(meds);
    List<Long> keys =
        result.findings().stream().map(f -> (long) f.first() << 32 | f.second()).toList();
    assertThat(keys).isSorted().doesNotHaveDuplicates();
    assertThat(result.findings())
        .allMatch(f -> f.first() < f.second() && f.firstIngredient() != f.secondIngredient());
  }

  @Provide
  Arbitrary<List<Medication>> medicationLists() {
    return medication().list().ofMaxSize(14);
  }

  private Arbitrary<Medication> medication() {
    List<String> ingredientCodes = KB.ingredients().keySet().stream().map(String::valueOf).toList();
    List<String> clinicalCodes = KB.drugCodes().keySet().stream().map(String::valueOf).toList();
    List<String> names = new ArrayList<>();
    KB.ingredients()
        .values()
        .forEach(
            i -> {
              names.add(i.name());
              names.addAll(i.aliases());
            });
    KB.drugCodes().values().forEach(d -> names.add(d.name()));
    KB.aliases().forEach(a -> names.add(a.name()));
    Arbitrary<String> knownName = Arbitraries.of(names);
    Arbitrary<String> noisyName =
        Arbitraries.oneOf(
            knownName.map(n -> n.toUpperCase(java.util.Locale.ROOT) + " 20 mg"),
            knownName.map(n -> "Tab. " + n + "/" + "x"),
            knownName.map(n -> n + "-free"),
            Combinators.combine(
                    Arbitraries.of("without ", "free of ", "non-", "no ", "with "),
                    knownName,
                    knownName)
                .as((neg, n, m) -> neg + n + " and " + m),
            Arbitraries.strings().ofMaxLength(30),
            Arbitraries.strings().withCharRange('a', 'z').withChars(' ', '-', 'é').ofMaxLength(20));
    Arbitrary<String> code =
        Arbitraries.frequencyOf(
            net.jqwik.api.Tuple.of(6, Arbitraries.of(ingredientCodes)),
            net.jqwik.api.Tuple.of(2, Arbitraries.of(clinicalCodes)),
            net.jqwik.api.Tuple.of(
                1, Arbitraries.longs().between(0, 99_999_999L).map(String::valueOf)),
            net.jqwik.api.Tuple.of(1, Arbitraries.strings().ofMaxLength(12)));
    return Arbitraries.frequencyOf(
        net.jqwik.api.Tuple.of(6, code.map(Medication::rxcui)),
        net.jqwik.api.Tuple.of(2, Arbitraries.oneOf(knownName, noisyName).map(Medication::named)),
        net.jqwik.api.Tuple.of(
            2,
            net.jqwik.api.Combinators.combine(code, Arbitraries.oneOf(knownName, noisyName))
                .as(Medication::new)),
        net.jqwik.api.Tuple.of(1, Arbitraries.just(new Medication(null, null))));
  }
}
