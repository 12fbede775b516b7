package io.vitalflow.interactions;

import static org.assertj.core.api.Assertions.assertThat;

import io.vitalflow.interactions.reference.KnowledgeBase;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Knowledge-base cases beyond the ONC list, and the codes-only, names-only and negated variants.
 */
class KnowledgeCasesTest {

  private static final KnowledgeBase KB = KnowledgeBase.load();
  private final InteractionChecker checker = Shipped.CHECKER;

  private Finding only(List<Medication> meds) {
    CheckResult r = checker.check(meds);
    assertThat(r.unknown()).isEmpty();
    assertThat(r.findings()).hasSize(1);
    return r.findings().get(0);
  }

  @ParameterizedTest(name = "{0} + {1} -> {2}")
  @CsvSource({
    // selective MAO-B inhibitors: label warnings, not the non-selective MAOI contraindications
    "134748, 36437,  MAOB-SSRI,                 MAJOR", // rasagiline + sertraline
    "9639,   704,    MAOB-TCA,                  MAJOR", // selegiline + amitriptyline
    "134748, 10689,  MAOB-TRAMADOL,             CONTRAINDICATED", // rasagiline + tramadol (label)
    "134748, 8123,   MAOB-MAOI,                 CONTRAINDICATED", // rasagiline + phenelzine
    "8123,   36437,  ONC-04-SSRI-MAOI,          CONTRAINDICATED", // phenelzine + sertraline
    "8123,   39786,  MAOI-SNRI,                 CONTRAINDICATED", // phenelzine + venlafaxine
    // strong inducers + (boosted) protease inhibitors
    "2002,   85762,  ONC-10-CYP3A4IND-PI,       CONTRAINDICATED", // carbamazepine + ritonavir
    "8183,   343047, ONC-10-CYP3A4IND-PI,       CONTRAINDICATED", // phenytoin + atazanavir
    // CYP (Flockhart), QT (CredibleMeds), serotonergic, Beers, labels
    "21212,  42316,  CYP3A4I-IMMUNOSUPPRESSANT, MAJOR", // clarithromycin + tacrolimus
    "4493,   10324,  CYP2D6I-THIOTAMOXIFEN,     MAJOR", // fluoxetine + tamoxifen
    "32937,  2670,   CYP2D6I-PRODRUG-OPIOID,    MODERATE", // paroxetine + codeine
    "42355,  2626,   CYP1A2I-CLOZAPINE,         MAJOR", // fluvoxamine + clozapine
    "2556,   26225,  QT-KNOWN-RISK-PAIR,        MAJOR", // citalopram + ondansetron
    "36437,  10689,  SEROTONIN-SSRI-OPIOID,     MODERATE", // sertraline + tramadol
    "8183,   10829,  PHENYTOIN-TMP,             MAJOR", // phenytoin + trimethoprim
    "7052,   6960,   OPIOID-BENZODIAZEPINE,     MAJOR", // morphine + midazolam
    "136411, 6058,   SILDENAFIL-NITRATE,        CONTRAINDICATED", // sildenafil + isosorbide
    // dinitrate
    "32968,  7646,   CLOPIDOGREL-PPI,           MAJOR", // clopidogrel + omeprazole
    "3407,   703,    DIGOXIN-AMIODARONE,        MAJOR", // digoxin + amiodarone
    "11118,  28439,  VALPROATE-LAMOTRIGINE,     MAJOR",
    "29046,  9997,   ACEI-SPIRONOLACTONE,       MAJOR", // lisinopril + spironolactone
    "8331,   36437,  PIMOZIDE-SSRI,             CONTRAINDICATED", // pimozide + sertraline
  })
  void ruleBySource(String a, String b, String rule, Severity severity) {
    for (List<Medication> meds :
        List.of(
            List.of(Medication.rxcui(a), Medication.rxcui(b)),
            List.of(Medication.rxcui(b), Medication.rxcui(a)))) {
      Finding f = only(meds);
      assertThat(f.rule().id()).isEqualTo(rule);
      assertThat(f.severity()).isEqualTo(severity);
      assertThat(f.rule().source()).isNotBlank();
    }
  }

  @Test
  void aSelectiveMaoBInhibitorWithATriptanRaisesNothing() {
    // the triptan labels contraindicate MAO-A inhibitors; selegiline did not change zolmitriptan
    // exposure
    assertThat(
            checker.check(List.of(Medication.rxcui("9639"), Medication.rxcui("135775"))).findings())
        .isEmpty();
    assertThat(
            checker.check(List.of(Medication.rxcui("8123"), Medication.rxcui("135775"))).findings())
        .singleElement()
        .extracting(Finding::severity)
        .isEqualTo(Severity.CONTRAINDICATED);
  }

  /**
   * Every pair of ingredients gives the same finding by code as by name (names-only variant of
   * every rule).
   */
  @Test
  void namesOnlyAlertLikeCodesOnly() {
    List<KnowledgeBase.Ingredient> ings = new ArrayList<>(KB.ingredients().values());
    int compared = 0;
    for (KnowledgeBase.Ingredient a : ings) {
      for (KnowledgeBase.Ingredient b : ings) {
        if (a.rxcui() >= b.rxcui()) {
          continue;
        }
        CheckResult byCode =
            checker.check(
                List.of(
                    Medication.rxcui(String.valueOf(a.rxcui())),
                    Medication.rxcui(String.valueOf(b.rxcui()))));
        CheckResult byName =
            checker.check(
                List.of(
                    Medication.named(a.name() + " 10 MG Oral Tablet"),
                    Medication.named(b.name().toUpperCase(java.util.Locale.ROOT))));
        assertThat(byName.unknown()).isEmpty();
        assertThat(byName.findings())
            .extracting(f -> f.rule().id())
            .as("%s + %s", a.name(), b.name())
            .isEqualTo(byCode.findings().stream().map(f -> f.rule().id()).toList());
        compared++;
      }
    }
    assertThat(compared).isGreaterThan(5000);
  }

  /** A clinical-drug (or any product) code without display text alerts like its ingredients. */
  @Test
  void drugCodesWithoutDisplayAlertLikeTheirIngredients() {
    int alerts = 0;
    for (KnowledgeBase.DrugCode d : KB.drugCodes().values()) {
      List<Long> known = d.ingredients().stream().filter(KB.ingredients()::containsKey).toList();
      for (long partner : KB.ingredients().keySet()) {
        if (known.contains(partner)) {
          continue;
        }
        List<Medication> byIngredients = new ArrayList<>();
        CheckResult byProduct =
            checker.check(
                List.of(
                    Medication.rxcui(String.valueOf(d.rxcui())),
                    Medication.rxcui(String.valueOf(partner))));
        // the product's best rule over its ingredients
        Finding best = null;
        for (long i : known) {
          byIngredients.clear();
          byIngredients.add(Medication.rxcui(String.valueOf(i)));
          byIngredients.add(Medication.rxcui(String.valueOf(partner)));
          for (Finding f : checker.check(byIngredients).findings()) {
            if (best == null || f.severity().compareTo(best.severity()) > 0) {
              best = f;
            }
          }
        }
        assertThat(byProduct.unknown()).isEmpty();
        if (best == null) {
          assertThat(byProduct.findings()).as("%s + %d", d.name(), partner).isEmpty();
        } else {
          assertThat(byProduct.findings())
              .as("%s + %d", d.name(), partner)
              .singleElement()
              .extracting(Finding::severity)
              .isEqualTo(best.severity());
          alerts++;
        }
      }
    }
    assertThat(alerts).isGreaterThan(50);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "Aspirin Free Pain Relief",
        "aspirin-free analgesic",
        "Pain reliever without aspirin",
        "free of aspirin",
        "non-aspirin pain reliever",
        "Ibuprofen-free cold remedy"
      })
  void negatedNamesNeverMatch(String name) {
    CheckResult r = checker.check(List.of(Medication.named(name), Medication.rxcui("11289")));
    assertThat(r.findings()).isEmpty();
    assertThat(r.unknown())
        .extracting(UnknownMedication::index)
        .containsExactly(0); // not checked, not "safe"
  }

  @Test
  void aNegatedIngredientDoesNotHideTheOtherIngredients() {
    Medication tylenol = Medication.named("Tylenol Extra Strength (aspirin free)");
    assertThat(Knowledge.shipped().ingredients(tylenol))
        .containsExactly(161L); // acetaminophen, not aspirin
    CheckResult r = checker.check(List.of(tylenol, Medication.rxcui("11289")));
    assertThat(r.findings()).isEmpty(); // no WARF-ASPIRIN
    assertThat(r.unknown()).isEmpty(); // checked: acetaminophen
    Medication codeine = Medication.named("Tylenol with Codeine No. 3, aspirin-free");
    assertThat(only(List.of(codeine, Medication.rxcui("32937"))).rule().id())
        .isEqualTo("CYP2D6I-PRODRUG-OPIOID");
  }

  @Test
  void matchingIsByWholeTerms() {
    // "aspirinate" and "warfarinx" are not aspirin or warfarin
    assertThat(
            checker
                .check(List.of(Medication.named("aspirinate"), Medication.named("warfarinx")))
                .unknown())
        .hasSize(2);
  }

  @ParameterizedTest
  @CsvSource({
    "TMP-SMX DS, Coumadin 5 mg, WARF-SULFAMETHOXAZOLE",
    "Bactrim DS, Coumadin 5 mg, WARF-SULFAMETHOXAZOLE",
    "co-trimoxazole 960 mg, Coumadin 5 mg, WARF-SULFAMETHOXAZOLE",
    "Advil 200 mg, Coumadin 5 mg, WARF-NSAID",
    "Percocet 5/325, Versed 2 mg IV, OPIOID-BENZODIAZEPINE",
    "MTX 15 mg weekly, Bactrim DS, MTX-TRIMETHOPRIM",
    "Zestoretic 20/12.5, Aldactone 25 mg, ACEI-SPIRONOLACTONE"
  })
  void wardAbbreviationsAndBrandNamesAreRecognised(String name, String other, String rule) {
    Finding f = only(List.of(Medication.named(name), Medication.named(other)));
    assertThat(f.rule().id()).isEqualTo(rule);
  }

  @Test
  void abbreviationsResolveToTheirIngredients() {
    assertThat(Knowledge.shipped().ingredients(Medication.named("APAP 500 mg")))
        .containsExactly(161L);
    assertThat(Knowledge.shipped().ingredients(Medication.named("HCTZ 25"))).containsExactly(5487L);
    assertThat(Knowledge.shipped().ingredients(Medication.named("Percocet")))
        .containsExactly(161L, 7804L);
  }

  @Test
  void commonHarmlessCombinationsRaiseNothing() {
    for (List<String> codes :
        List.of(
            List.of(
                "6809", "29046", "17767",
                "83367"), // metformin, lisinopril, amlodipine, atorvastatin
            List.of(
                "10582", "40790", "6918",
                "4603"), // levothyroxine, pantoprazole, metoprolol, furosemide
            List.of(
                "161", "7646", "301542",
                "6809"), // acetaminophen, omeprazole, rosuvastatin, metformin
            List.of(
                "36437", "17767", "42463", "5487"))) { // sertraline, amlodipine, pravastatin, HCTZ
      CheckResult r = checker.check(codes.stream().map(Medication::rxcui).toList());
      assertThat(r.findings()).as("%s", codes).isEmpty();
      assertThat(r.unknown()).isEmpty();
    }
  }
}
