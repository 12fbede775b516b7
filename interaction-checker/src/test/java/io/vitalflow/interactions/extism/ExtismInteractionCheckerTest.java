package io.vitalflow.interactions.extism;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vitalflow.interactions.CheckResult;
import io.vitalflow.interactions.Finding;
import io.vitalflow.interactions.Medication;
import io.vitalflow.interactions.Severity;
import io.vitalflow.interactions.UnknownMedication;
import io.vitalflow.interactions.host.Engine;
import io.vitalflow.interactions.host.PluginAbiException;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The sample plugin built with @extism/as-pdk answers through {@link ExtismInteractionChecker}, on
 * both engines.
 */
class ExtismInteractionCheckerTest {

  @ParameterizedTest
  @EnumSource(
      value = Engine.class,
      names = {"INTERPRETER", "RUNTIME_COMPILED"})
  void warfarinAndIbuprofenGiveOneFinding(Engine engine) {
    try (var checker = new ExtismInteractionChecker(ExtismTestPlugins.sample(engine))) {
      Medication warfarin = Medication.rxcui("11289");
      Medication advil = Medication.named("Advil 200 mg");
      CheckResult r = checker.check(List.of(warfarin, advil));

      assertThat(r.unknown()).isEmpty();
      assertThat(r.kbVersion()).isEqualTo("extism-sample-1").isEqualTo(checker.kbVersion());
      assertThat(r.findings()).hasSize(1);
      Finding f = r.findings().get(0);
      assertThat(f.first()).isZero();
      assertThat(f.second()).isEqualTo(1);
      assertThat(f.firstMedication()).isEqualTo(warfarin);
      assertThat(f.secondMedication()).isEqualTo(advil);
      assertThat(f.firstIngredient()).isEqualTo(11289L);
      assertThat(f.secondIngredient()).isEqualTo(5640L);
      assertThat(f.rule().id()).isEqualTo("SAMPLE-WARF-IBU");
      assertThat(f.severity()).isEqualTo(Severity.MAJOR);
      assertThat(f.rule().a()).isEqualTo("warfarin");
      assertThat(f.rule().b()).isEqualTo("ibuprofen");
      assertThat(f.rule().management()).contains("INR");
      assertThat(f.kbVersion()).isEqualTo("extism-sample-1");
    }
  }

  @ParameterizedTest
  @EnumSource(
      value = Engine.class,
      names = {"INTERPRETER", "RUNTIME_COMPILED"})
  void harmlessPairGivesNoFinding(Engine engine) {
    try (var checker = new ExtismInteractionChecker(ExtismTestPlugins.sample(engine))) {
      CheckResult r =
          checker.check(List.of(Medication.named("Tylenol 500 mg"), Medication.rxcui("36567")));
      assertThat(r.findings()).isEmpty();
      assertThat(r.unknown()).isEmpty();
    }
  }

  @ParameterizedTest
  @EnumSource(
      value = Engine.class,
      names = {"INTERPRETER", "RUNTIME_COMPILED"})
  void clinicalDrugCodesNamesAndUnknownsAreMapped(Engine engine) {
    try (var checker = new ExtismInteractionChecker(ExtismTestPlugins.sample(engine))) {
      Medication mystery = Medication.named("Unobtainium \"forte\" 5 mg");
      List<Medication> meds =
          List.of(
              Medication.named("Biaxin XL"),
              mystery,
              new Medication("757704", "simvastatin 20 MG Oral Tablet"),
              Medication.rxcui("11289"));
      CheckResult r = checker.check(meds);
      assertThat(r.unknown()).containsExactly(new UnknownMedication(1, mystery));
      assertThat(r.findings()).hasSize(1);
      Finding f = r.findings().get(0);
      assertThat(List.of(f.first(), f.second())).containsExactly(0, 2);
      assertThat(f.rule().id()).isEqualTo("SAMPLE-SIMVA-CLARI");
      assertThat(f.severity()).isEqualTo(Severity.CONTRAINDICATED);
    }
  }

  @ParameterizedTest
  @EnumSource(
      value = Engine.class,
      names = {"INTERPRETER"})
  void answerOfAnotherShapeIsAnAbiError(Engine engine) {
    // greet answers JSON, but not a check result
    try (ExtismPlugin plugin = ExtismTestPlugins.sample(engine)) {
      assertThatThrownBy(() -> new ExtismInteractionChecker(plugin, "greet"))
          .isInstanceOf(PluginAbiException.class)
          .hasMessageContaining("malformed JSON")
          .hasMessageContaining("kbVersion");
    }
  }

  @ParameterizedTest
  @EnumSource(
      value = Engine.class,
      names = {"INTERPRETER"})
  void tooManyMedicationsAreRefusedBeforeThePlugin(Engine engine) {
    try (var checker = new ExtismInteractionChecker(ExtismTestPlugins.sample(engine))) {
      List<Medication> meds = java.util.Collections.nCopies(1025, Medication.rxcui("11289"));
      assertThatThrownBy(() -> checker.check(meds)).isInstanceOf(IllegalArgumentException.class);
    }
  }

  @ParameterizedTest
  @EnumSource(
      value = Engine.class,
      names = {"RUNTIME_COMPILED"})
  void pooledInstancesGiveRightAnswersOnTwoThreads(Engine engine) throws Exception {
    try (var checker = new ExtismInteractionChecker(ExtismTestPlugins.sample(engine))) {
      List<Medication> risky = List.of(Medication.rxcui("11289"), Medication.named("Advil"));
      List<Medication> harmless = List.of(Medication.named("Tylenol"), Medication.rxcui("36567"));
      var pool = java.util.concurrent.Executors.newFixedThreadPool(2);
      try {
        List<java.util.concurrent.Future<Integer>> results = new java.util.ArrayList<>();
        for (int i = 0; i < 200; i++) {
          List<Medication> meds = i % 2 == 0 ? risky : harmless;
          int expected = i % 2 == 0 ? 1 : 0;
          results.add(pool.submit(() -> checker.check(meds).findings().size() == expected ? 1 : 0));
        }
        int right = 0;
        for (var r : results) {
          right += r.get();
        }
        assertThat(right).isEqualTo(200);
      } finally {
        pool.shutdownNow();
      }
      assertThat(checker.plugin().idleInstances()).isBetween(1, 2);
    }
  }
}
