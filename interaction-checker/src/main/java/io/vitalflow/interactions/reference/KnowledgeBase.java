package io.vitalflow.interactions.reference;

import io.vitalflow.interactions.Rule;
import io.vitalflow.interactions.Severity;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The knowledge data ({@code interaction-checker/knowledge/*.tsv}, packaged under
 * {@code io/vitalflow/interactions/knowledge/}) read as it is, without the plugin generator's expansion.
 */
public final class KnowledgeBase {

    static final String RESOURCE_DIR = "/io/vitalflow/interactions/knowledge/";
    static final List<String> FILES =
            List.of("VERSION", "classes.tsv", "ingredients.tsv", "clinical_drugs.tsv", "rules.tsv");

    /** One ingredient row. */
    public record Ingredient(long rxcui, String name, Set<String> classes, List<String> aliases, String rxcuiCheck) {}

    /** One clinical-drug row (an RxNorm SCD and its ingredients). */
    public record ClinicalDrug(long rxcui, String name, List<Long> ingredients, String rxcuiCheck) {}

    /** A rule with the sides as written: an ingredient RxCUI or {@code class:NAME}. */
    public record RuleRow(Rule rule, String a, String b) {}

    private final String version;
    private final Map<Long, Ingredient> ingredients;
    private final Map<Long, ClinicalDrug> clinicalDrugs;
    private final List<RuleRow> rules;

    private KnowledgeBase(String version, Map<Long, Ingredient> ingredients, Map<Long, ClinicalDrug> clinicalDrugs,
            List<RuleRow> rules) {
        this.version = version;
        this.ingredients = Map.copyOf(ingredients);
        this.clinicalDrugs = Map.copyOf(clinicalDrugs);
        this.rules = List.copyOf(rules);
    }

    /** The knowledge base packaged in this jar. */
    public static KnowledgeBase load() {
        Map<String, byte[]> files = new LinkedHashMap<>();
        for (String f : FILES) {
            try (InputStream in = KnowledgeBase.class.getResourceAsStream(RESOURCE_DIR + f)) {
                if (in == null) {
                    throw new IllegalStateException("knowledge file missing from the classpath: " + f);
                }
                files.put(f, in.readAllBytes());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return parse(files);
    }

    static KnowledgeBase parse(Map<String, byte[]> files) {
        Map<Long, Ingredient> ingredients = new LinkedHashMap<>();
        for (String[] r : rows(files.get("ingredients.tsv"), 5)) {
            ingredients.put(Long.parseLong(r[0]),
                    new Ingredient(Long.parseLong(r[0]), r[1], Set.copyOf(list(r[2])), list(r[3]), r[4]));
        }
        Map<Long, ClinicalDrug> clinical = new LinkedHashMap<>();
        for (String[] r : rows(files.get("clinical_drugs.tsv"), 4)) {
            List<Long> ings = list(r[2]).stream().map(Long::parseLong).sorted().distinct().toList();
            clinical.put(Long.parseLong(r[0]), new ClinicalDrug(Long.parseLong(r[0]), r[1], ings, r[3]));
        }
        List<RuleRow> rules = new ArrayList<>();
        for (String[] r : rows(files.get("rules.tsv"), 8)) {
            Rule rule = new Rule(r[0], Severity.ofLabel(r[3]), label(r[1], ingredients), label(r[2], ingredients),
                    r[4], r[5], r[6], r[7]);
            rules.add(new RuleRow(rule, r[1], r[2]));
        }
        return new KnowledgeBase(version(files), ingredients, clinical, rules);
    }

    /** {@code VERSION} plus the first 12 hex digits of SHA-256 over the files, exactly as the plugin generator. */
    static String version(Map<String, byte[]> files) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            for (String f : FILES) {
                sha.update((f + "\n").getBytes(StandardCharsets.UTF_8));
                sha.update(files.get(f));
            }
            String base = new String(files.get("VERSION"), StandardCharsets.UTF_8).trim();
            return base + "+" + HexFormat.of().formatHex(sha.digest()).substring(0, 12);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String label(String ref, Map<Long, Ingredient> ingredients) {
        if (ref.startsWith("class:")) {
            return ref;
        }
        Ingredient i = ingredients.get(Long.parseLong(ref));
        if (i == null) {
            throw new IllegalStateException("rule names unknown ingredient " + ref);
        }
        return i.name();
    }

    private static List<String[]> rows(byte[] file, int columns) {
        List<String[]> out = new ArrayList<>();
        for (String line : new String(file, StandardCharsets.UTF_8).split("\n")) {
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            String[] cols = line.split("\t", -1);
            if (cols.length != columns) {
                throw new IllegalStateException("expected " + columns + " columns: " + line);
            }
            out.add(cols);
        }
        return out;
    }

    private static List<String> list(String cell) {
        return cell.isBlank() || cell.equals("-") ? List.of() : List.of(cell.split("\\|"));
    }

    public String version() {
        return version;
    }

    public Map<Long, Ingredient> ingredients() {
        return ingredients;
    }

    public Map<Long, ClinicalDrug> clinicalDrugs() {
        return clinicalDrugs;
    }

    public List<RuleRow> rules() {
        return rules;
    }
}
