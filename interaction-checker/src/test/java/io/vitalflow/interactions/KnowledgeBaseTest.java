package io.vitalflow.interactions;

import static org.assertj.core.api.Assertions.assertThat;

import io.vitalflow.interactions.reference.KnowledgeBase;
import java.util.List;
import org.junit.jupiter.api.Test;

class KnowledgeBaseTest {

    private final KnowledgeBase kb = KnowledgeBase.load();

    @Test
    void pluginReportsTheVersionOfTheKnowledgeItWasGiven() {
        // the version carries a hash of knowledge/*.tsv, and the plugin holds no knowledge of its own
        assertThat(Shipped.CHECKER.kbVersion()).isEqualTo(kb.version());
        CheckResult r = Shipped.CHECKER.check(List.of(Medication.rxcui("11289"), Medication.rxcui("5640")));
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
        assertThat(kb.rules()).allSatisfy(row -> {
            Rule r = row.rule();
            assertThat(List.of(r.id(), r.mechanism(), r.effect(), r.management(), r.source()))
                    .allSatisfy(text -> assertThat(text).isNotBlank().isNotEqualTo("-"));
        });
    }

    @Test
    void coversAllFifteenOncHighPriorityInteractions() {
        assertThat(kb.rules().stream().map(r -> r.rule().id()).filter(id -> id.startsWith("ONC-"))
                        .map(id -> id.substring(0, 6)).distinct())
                .hasSize(15);
    }

    @Test
    void versionLooksLikeBasePlusContentHash() {
        assertThat(kb.version()).matches("\\d{4}\\.\\d{2}\\.\\d+\\+[0-9a-f]{12}");
    }
}
