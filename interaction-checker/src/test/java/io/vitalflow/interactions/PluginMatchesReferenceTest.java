package io.vitalflow.interactions;

import static org.assertj.core.api.Assertions.assertThat;

import io.vitalflow.interactions.reference.KnowledgeBase;
import io.vitalflow.interactions.reference.ReferenceChecker;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** The plugin and the plain-Java reference agree on any medication list. */
class PluginMatchesReferenceTest {

    private static final KnowledgeBase KB = KnowledgeBase.load();
    private static final ReferenceChecker REFERENCE = new ReferenceChecker(KB);

    @Property(tries = 1000)
    void pluginAgreesWithReference(@ForAll("medicationLists") List<Medication> meds) {
        assertThat(Shipped.CHECKER.check(meds)).isEqualTo(REFERENCE.check(meds));
    }

    @Property(tries = 200)
    void findingsAreUniqueOrderedPairsOfDistinctMedications(@ForAll("medicationLists") List<Medication> meds) {
        CheckResult result = Shipped.CHECKER.check(meds);
        List<Long> keys = result.findings().stream().map(f -> (long) f.first() << 32 | f.second()).toList();
        assertThat(keys).isSorted().doesNotHaveDuplicates();
        assertThat(result.findings()).allMatch(f -> f.first() < f.second() && f.firstIngredient() != f.secondIngredient());
    }

    @Provide
    Arbitrary<List<Medication>> medicationLists() {
        return medication().list().ofMaxSize(14);
    }

    private Arbitrary<Medication> medication() {
        List<String> ingredientCodes = KB.ingredients().keySet().stream().map(String::valueOf).toList();
        List<String> clinicalCodes = KB.drugCodes().keySet().stream().map(String::valueOf).toList();
        List<String> names = new ArrayList<>();
        KB.ingredients().values().forEach(i -> {
            names.add(i.name());
            names.addAll(i.aliases());
        });
        KB.drugCodes().values().forEach(d -> names.add(d.name()));
        Arbitrary<String> knownName = Arbitraries.of(names);
        Arbitrary<String> noisyName = Arbitraries.oneOf(
                knownName.map(n -> n.toUpperCase(java.util.Locale.ROOT) + " 20 mg"),
                knownName.map(n -> "Tab. " + n + "/" + "x"),
                Arbitraries.strings().ofMaxLength(30),
                Arbitraries.strings().withCharRange('a', 'z').withChars(' ', '-', 'é').ofMaxLength(20));
        Arbitrary<String> code = Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(6, Arbitraries.of(ingredientCodes)),
                net.jqwik.api.Tuple.of(2, Arbitraries.of(clinicalCodes)),
                net.jqwik.api.Tuple.of(1, Arbitraries.longs().between(0, 99_999_999L).map(String::valueOf)),
                net.jqwik.api.Tuple.of(1, Arbitraries.strings().ofMaxLength(12)));
        return Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(6, code.map(Medication::rxcui)),
                net.jqwik.api.Tuple.of(2, Arbitraries.oneOf(knownName, noisyName).map(Medication::named)),
                net.jqwik.api.Tuple.of(2, net.jqwik.api.Combinators.combine(code, Arbitraries.oneOf(knownName, noisyName))
                        .as(Medication::new)),
                net.jqwik.api.Tuple.of(1, Arbitraries.just(new Medication(null, null))));
    }

}
