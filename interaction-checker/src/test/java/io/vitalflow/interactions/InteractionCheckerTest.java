package io.vitalflow.interactions;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Knowledge-base cases through the shipped, build-time compiled plugin, with real RxNorm codes. */
class InteractionCheckerTest {

  private final InteractionChecker checker = Shipped.CHECKER;

  private CheckResult check(String... rxcuis) {
    return checker.check(java.util.Arrays.stream(rxcuis).map(Medication::rxcui).toList());
  }

  @ParameterizedTest(name = "{0} + {1} -> {2}")
  @CsvSource({
    // ONC high-priority list (Phansalkar et al. 2012), one pair per item
    "725,    8123,   ONC-01-AMPHETAMINE-MAOI,            CONTRAINDICATED", // amphetamine +
    // phenelzine
    "343047, 7646,   ONC-02-ATAZANAVIR-PPI,              MAJOR", // atazanavir + omeprazole
    "73689,  1256,   ONC-03-FEBUXOSTAT-THIOPURINE,       CONTRAINDICATED", // febuxostat +
    // azathioprine
    "36437,  8123,   ONC-04-SSRI-MAOI,                   CONTRAINDICATED", // sertraline +
    // phenelzine
    "51499,  6135,   ONC-05-IRINOTECAN-CYP3A4I,          MAJOR", // irinotecan + ketoconazole
    "6754,   8123,   ONC-06-NARCOTIC-MAOI,               CONTRAINDICATED", // meperidine +
    // phenelzine
    "704,    10734,  ONC-07-TCA-MAOI,                    CONTRAINDICATED", // amitriptyline +
    // tranylcypromine
    "49247,  5093,   ONC-08-QT-QT,                       MAJOR", // dofetilide + haloperidol
    "596205, 42355,  ONC-09-RAMELTEON-CYP1A2I,           CONTRAINDICATED", // ramelteon +
    // fluvoxamine
    "9384,   460132, ONC-10-CYP3A4IND-PI,                CONTRAINDICATED", // rifampin + darunavir
    // (label)
    "36567,  21212,  ONC-11-STATIN-CYP3A4I,              CONTRAINDICATED", // simvastatin +
    // clarithromycin
    "6472,   343047, ONC-11-STATIN-PI,                   CONTRAINDICATED", // lovastatin +
    // atazanavir
    "4025,   85762,  ONC-12-ERGOT-CYP3A4I,               CONTRAINDICATED", // ergotamine + ritonavir
    "3418,   460132, ONC-12-ERGOT-PI,                    CONTRAINDICATED", // dihydroergotamine +
    // darunavir
    "57258,  2551,   ONC-13-TIZANIDINE-CYP1A2I,          CONTRAINDICATED", // tizanidine +
    // ciprofloxacin
    "57258,  42355,  ONC-13-TIZANIDINE-CYP1A2I,          CONTRAINDICATED", // tizanidine +
    // fluvoxamine
    "10734,  8702,   ONC-14-TRANYLCYPROMINE-PROCARBAZINE, CONTRAINDICATED", // tranylcypromine +
    // procarbazine
    "37418,  8123,   ONC-15-TRIPTAN-MAOI,                CONTRAINDICATED", // sumatriptan +
    // phenelzine
    // warfarin
    "11289,  5640,   WARF-NSAID,                         MAJOR", // ibuprofen
    "11289,  7258,   WARF-NSAID,                         MAJOR", // naproxen
    "11289,  140587, WARF-NSAID,                         MAJOR", // celecoxib
    "11289,  1191,   WARF-ASPIRIN,                       MAJOR",
    "11289,  10180,  WARF-SULFAMETHOXAZOLE,              MAJOR",
    "11289,  6922,   WARF-METRONIDAZOLE,                 MAJOR",
    "11289,  82122,  WARF-FLUOROQUINOLONE,               MODERATE", // levofloxacin
    "11289,  2551,   WARF-CIPROFLOXACIN,                 MAJOR", // Beers 2023
    "11289,  4450,   WARF-AZOLE,                         MAJOR", // fluconazole
    "11289,  6932,   WARF-AZOLE,                         MAJOR", // miconazole
    "11289,  703,    WARF-AMIODARONE,                    MAJOR",
    "11289,  21212,  WARF-MACROLIDE,                     MODERATE", // clarithromycin
    "6851,   10829,  MTX-TRIMETHOPRIM,                   MAJOR",
  })
  void knownPairRaisesItsRule(String a, String b, String ruleId, Severity severity) {
    for (CheckResult result : List.of(check(a, b), check(b, a))) {
      assertThat(result.findings())
          .singleElement()
          .satisfies(
              f -> {
                assertThat(f.rule().id()).isEqualTo(ruleId);
                assertThat(f.severity()).isEqualTo(severity);
                assertThat(f.first()).isZero();
                assertThat(f.second()).isOne();
                assertThat(f.kbVersion()).isEqualTo(checker.kbVersion());
              });
      assertThat(result.unknown()).isEmpty();
    }
  }

  @Test
  void commonHarmlessCombinationRaisesNothing() {
    // acetaminophen, metformin, lisinopril, amlodipine, levothyroxine, atorvastatin, metoprolol
    CheckResult result = check("161", "6809", "29046", "17767", "10582", "83367", "6918");
    assertThat(result.findings()).isEmpty();
    assertThat(result.unknown()).isEmpty();
    assertThat(result.kbVersion()).isEqualTo(checker.kbVersion());
  }

  @Test
  void clinicalDrugCodesResolveToTheirIngredients() {
    // simvastatin 20 MG Oral Tablet + clarithromycin 500 MG Oral Tablet
    assertThat(check("312961", "197517").findings())
        .singleElement()
        .satisfies(
            f -> {
              assertThat(f.rule().id()).isEqualTo("ONC-11-STATIN-CYP3A4I");
              assertThat(f.firstIngredient()).isEqualTo(36567L);
              assertThat(f.secondIngredient()).isEqualTo(21212L);
            });
    // warfarin sodium 5 MG Oral Tablet + sulfamethoxazole 800 MG / trimethoprim 160 MG: the worse
    // ingredient
    assertThat(check("855332", "198335").findings())
        .singleElement()
        .satisfies(
            f -> {
              assertThat(f.rule().id()).isEqualTo("WARF-SULFAMETHOXAZOLE");
              assertThat(f.secondIngredient()).isEqualTo(10180L);
            });
  }

  @Test
  void namesAreTheFallbackWhenThereIsNoKnownCode() {
    CheckResult result =
        checker.check(
            List.of(
                Medication.named("Aspirin 81 MG"),
                Medication.named("ibuprofen"),
                Medication.named("Coumadin 5mg tablet"),
                new Medication("99999999", "Simvastatin 20 MG Oral Tablet"),
                Medication.named("CLARITHROMYCIN")));
    assertThat(result.findings())
        .extracting(f -> f.first() + "-" + f.second() + " " + f.rule().id())
        .containsExactly(
            "0-2 WARF-ASPIRIN",
            "1-2 WARF-NSAID",
            "2-4 WARF-MACROLIDE",
            "3-4 ONC-11-STATIN-CYP3A4I");
    assertThat(result.unknown()).isEmpty();
  }

  @Test
  void theSeedBenchmarkListGivesTwoWarfarinFindings() {
    CheckResult result =
        checker.check(
            List.of(
                Medication.named("aspirin"),
                Medication.named("ibuprofen"),
                Medication.named("warfarin")));
    assertThat(result.findings())
        .extracting(f -> f.rule().id())
        .containsExactly("WARF-ASPIRIN", "WARF-NSAID");
  }

  @Test
  void unknownMedicationsAreReportedNeverDropped() {
    List<Medication> meds =
        List.of(
            Medication.rxcui("11289"),
            Medication.rxcui("123456789"),
            Medication.named("unobtainium"),
            new Medication(null, null),
            Medication.rxcui("not-a-code"),
            Medication.rxcui("5640"));
    CheckResult result = checker.check(meds);
    assertThat(result.unknown()).extracting(UnknownMedication::index).containsExactly(1, 2, 3, 4);
    assertThat(result.unknown())
        .extracting(UnknownMedication::medication)
        .containsExactly(meds.get(1), meds.get(2), meds.get(3), meds.get(4));
    assertThat(result.findings())
        .singleElement()
        .satisfies(
            f -> {
              assertThat(f.first()).isZero();
              assertThat(f.second()).isEqualTo(5);
            });
  }

  @Test
  void onePairOneFindingNoDuplicatesNoSelfPairs() {
    // warfarin twice (ingredient and clinical drug), ibuprofen twice, simvastatin with itself
    CheckResult result = check("11289", "855332", "5640", "310965", "36567", "36567");
    assertThat(result.findings())
        .extracting(f -> f.first() + "-" + f.second())
        .containsExactly("0-2");
    List<String> pairs =
        check("11289", "5640", "1191", "4450", "703").findings().stream()
            .map(f -> f.first() + "-" + f.second())
            .toList();
    assertThat(pairs)
        .doesNotHaveDuplicates()
        .allMatch(p -> !p.split("-")[0].equals(p.split("-")[1]));
    assertThat(pairs)
        .containsExactly("0-1", "0-2", "0-3", "0-4", "3-4"); // fluconazole + amiodarone: QT
  }

  @Test
  void mostSevereRuleWinsForAPair() {
    // methadone is a narcotic analgesic and QT-prolonging; with phenelzine the MAOI rule
    // (contraindicated)
    assertThat(check("6813", "8123").findings())
        .singleElement()
        .extracting(f -> f.rule().id())
        .isEqualTo("ONC-06-NARCOTIC-MAOI");
    // fluvoxamine is an SSRI and a CYP1A2 inhibitor: with tizanidine, the tizanidine rule
    assertThat(check("42355", "57258").findings())
        .singleElement()
        .extracting(f -> f.rule().id())
        .isEqualTo("ONC-13-TIZANIDINE-CYP1A2I");
  }

  @Test
  void emptyAndSingleListsAreFine() {
    assertThat(checker.check(List.of()).findings()).isEmpty();
    assertThat(check("11289").findings()).isEmpty();
  }

  @Test
  void longListsWork() {
    List<Medication> meds = new ArrayList<>(Collections.nCopies(1000, Medication.rxcui("6809")));
    meds.add(Medication.rxcui("11289"));
    meds.add(Medication.rxcui("5640"));
    CheckResult result = checker.check(meds);
    assertThat(result.findings())
        .singleElement()
        .satisfies(
            f -> {
              assertThat(f.first()).isEqualTo(1000);
              assertThat(f.second()).isEqualTo(1001);
            });
  }

  @Test
  void tooManyMedicationsAreRefusedBeforeTheCall() {
    List<Medication> meds =
        IntStream.range(0, InteractionChecker.MAX_MEDICATIONS + 1)
            .mapToObj(i -> Medication.rxcui("161"))
            .toList();
    assertThatThrownBy(() -> checker.check(meds)).isInstanceOf(IllegalArgumentException.class);
  }
}
