package io.vitalflow.interactions;

import java.util.List;

/** A plugin's knowledge base as it describes itself: its version and its rules, indexed as in results. */
record Catalogue(String kbVersion, List<Rule> rules) {

    Catalogue {
        rules = List.copyOf(rules);
    }
}
