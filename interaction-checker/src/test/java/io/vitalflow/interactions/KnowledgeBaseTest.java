package io.vitalflow.interactions;

import static org.assertj.core.api.Assertions.assertThat;

import io.vitalflow.interactions.reference.KnowledgeBase;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class KnowledgeBaseTest {

  private final KnowledgeBase kb = KnowledgeBase.load();

  @Test
  void pluginReportsTheVersionOfTheKnowledgeItWasGiven() {
    // the version carries a hash of knowledge/*.tsv, and the plugin holds no knowledge of its own
    assertThat(Shipped.CHECKER.kbVersion()).isEqualTo(kb.version());
    CheckResult r =
        Shipped.CHECKER.check(List.of(Medication.rxcui("11289"), Medication.rxcui("5640")));
    assertThat(r.kbVersion()).isEqualTo(kb.version());
    assertThat(r.findings()).allSatisfy(f -> assertThat(f.kbVersion()).isEqualTo(kb.version()));
  }

  @Test
  void pluginDescribesExactlyTheRulesOfTheData() {
    List<Rule> fromData = kb.rules().stream().map(KnowledgeBase.RuleRow::rule).toList();
    assertThat(Shipped.CHECKER.rules()).containsExactlyElementsOf(fromData);
    Catalogue described = PluginCodec.catalogue(Shipped.CHECKER.host().describe());
    assertThat(described.kbVersion()).isEqualTo(kb.version());
    assertThat(described.rules()).containsExactlyElementsOf(fromData);
  }

  @Test
  void everyRuleIsComplete() {
    assertThat(kb.rules())
        .allSatisfy(
            row -> {
              Rule r = row.rule();
              assertThat(List.of(r.id(), r.mechanism(), r.effect(), r.management(), r.source()))
                  .allSatisfy(text -> assertThat(text).isNotBlank().isNotEqualTo("-"));
            });
  }

  @Test
  void coversAllFifteenOncHighPriorityInteractions() {
    assertThat(
            kb.rules().stream()
                .map(r -> r.rule().id())
                .filter(id -> id.startsWith("ONC-"))
                .map(id -> id.substring(0, 6))
                .distinct())
        .hasSize(15);
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = ';',
      value = {
        "drug_codes.tsv; 999\tXYZ\tsomething\t11289\tsome source; drug_codes.tsv: 999: unknown term type XYZ",
        "drug_codes.tsv; 999\tSCD\tsomething\t11289\t-; drug_codes.tsv: 999 lists no ingredient or no source",
        "drug_codes.tsv; 11289\tSCD\twarfarin again\t11289\tx; drug_codes.tsv: 11289 is an ingredient",
        "aliases.tsv; Foo\t424242\tbrand\tx; aliases.tsv: Foo names unknown ingredient 424242",
        "aliases.tsv; Foo\t11289\tbrand\t-; aliases.tsv: alias without words, ingredients or source",
        "rules.tsv; R1\t11289\tclass:NOPE\tmajor\tm\te\tg\ts; rules.tsv: rule R1 names unknown class class:NOPE",
        "rules.tsv; R1\t11289\t5640\tsevere\tm\te\tg\ts; rules.tsv: rule R1: unknown severity severe",
        "rules.tsv; R1\t11289\t5640\tmajor\tm\t-\tg\ts; rules.tsv: rule R1 lacks column 6",
        "ingredients.tsv; 12x\tfoo\t-\t-\tx; ingredients.tsv: not an RxCUI: 12x",
      })
  void badDataIsRefusedNamingTheFileAndRow(String file, String row, String message) {
    java.util.Map<String, byte[]> files =
        new java.util.LinkedHashMap<>(KnowledgeBase.packagedFiles());
    String text = new String(files.get(file), java.nio.charset.StandardCharsets.UTF_8);
    files.put(
        file,
        (text + row.replace("\\t", "\t") + "\n").getBytes(java.nio.charset.StandardCharsets.UTF_8));
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> KnowledgeBase.parse(files))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(message);
  }

  @Test
  void aPluginRefusesABrokenImageAndTheHostKeepsTheWorkingVersion() {
    io.vitalflow.interactions.host.PluginSource code = WasmInteractionChecker.shippedCode();
    byte[] image = Knowledge.shipped().image();
    byte[] truncated = java.util.Arrays.copyOf(image, image.length - 1);
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () -> Shipped.CHECKER.host().load(code.withData(truncated)))
        .isInstanceOf(io.vitalflow.interactions.host.PluginAbiException.class)
        .hasMessageContaining("refused its data");
    assertThat(
            Shipped.CHECKER
                .check(List.of(Medication.rxcui("11289"), Medication.rxcui("5640")))
                .findings())
        .hasSize(1);
  }

  @Test
  void versionLooksLikeBasePlusContentHash() {
    assertThat(kb.version()).matches("\\d{4}\\.\\d{2}\\.\\d+\\+[0-9a-f]{12}");
  }
}
