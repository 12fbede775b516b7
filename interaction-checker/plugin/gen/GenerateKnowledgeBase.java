import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Turns the knowledge data ({@code interaction-checker/knowledge/*.tsv}) into Rust tables for the plugin.
 *
 * <p>Run as a single-file program (JDK 17): {@code java GenerateKnowledgeBase.java <knowledge-dir> <out.rs>}.
 * Class-level rules are expanded here into concrete ingredient pairs, keeping for each pair the rule
 * with the highest severity (the first one in file order on ties). The Java reference implementation
 * ({@code io.vitalflow.interactions.reference}) reads the same files and applies the class rules
 * directly, so the property test checks this expansion too.
 */
public final class GenerateKnowledgeBase {

    /** Files that make up the knowledge base, in the order they are hashed into its version. */
    static final List<String> FILES =
            List.of("VERSION", "classes.tsv", "ingredients.tsv", "clinical_drugs.tsv", "rules.tsv");

    static final Map<String, Integer> SEVERITIES =
            Map.of("moderate", 1, "major", 2, "contraindicated", 3);

    record Ingredient(long rxcui, String name, List<String> classes, List<String> aliases) {}

    record ClinicalDrug(long rxcui, String name, List<Long> ingredients) {}

    record Rule(String id, String a, String b, int severity, String mechanism, String effect,
            String management, String source) {}

    public static void main(String[] args) throws IOException, NoSuchAlgorithmException {
        if (args.length != 2) {
            System.err.println("usage: java GenerateKnowledgeBase.java <knowledge-dir> <out.rs>");
            System.exit(2);
        }
        Path dir = Path.of(args[0]);
        String version = version(dir);
        Set<String> classes = new LinkedHashSet<>();
        for (String[] row : rows(dir.resolve("classes.tsv"), 3)) {
            if (!classes.add(row[0])) {
                fail("duplicate class " + row[0]);
            }
        }
        Map<Long, Ingredient> ingredients = new TreeMap<>();
        for (String[] row : rows(dir.resolve("ingredients.tsv"), 5)) {
            var ing = new Ingredient(Long.parseLong(row[0]), row[1], list(row[2]), list(row[3]));
            for (String c : ing.classes()) {
                if (!classes.contains(c)) {
                    fail("ingredient " + ing.name() + " names unknown class " + c);
                }
            }
            if (!ing.name().equals(normalise(ing.name()))) {
                fail("ingredient name must be lower-case words: " + ing.name());
            }
            if (ingredients.put(ing.rxcui(), ing) != null) {
                fail("duplicate ingredient " + row[0]);
            }
        }
        Map<Long, ClinicalDrug> clinical = new TreeMap<>();
        for (String[] row : rows(dir.resolve("clinical_drugs.tsv"), 4)) {
            List<Long> ings = list(row[2]).stream().map(Long::parseLong).sorted().distinct().toList();
            for (long i : ings) {
                if (!ingredients.containsKey(i)) {
                    fail("clinical drug " + row[0] + " names unknown ingredient " + i);
                }
            }
            long code = Long.parseLong(row[0]);
            if (ingredients.containsKey(code) || clinical.put(code, new ClinicalDrug(code, row[1], ings)) != null) {
                fail("duplicate code " + code);
            }
        }
        List<Rule> rules = new ArrayList<>();
        Set<String> ids = new LinkedHashSet<>();
        for (String[] row : rows(dir.resolve("rules.tsv"), 8)) {
            Integer sev = SEVERITIES.get(row[3]);
            if (sev == null) {
                fail("rule " + row[0] + ": unknown severity " + row[3]);
            }
            if (!ids.add(row[0])) {
                fail("duplicate rule id " + row[0]);
            }
            for (int i = 4; i < 8; i++) {
                if (row[i].isBlank() || row[i].equals("-")) {
                    fail("rule " + row[0] + " lacks column " + (i + 1));
                }
            }
            rules.add(new Rule(row[0], row[1], row[2], sev, row[4], row[5], row[6], row[7]));
        }
        // expand class rules to ingredient pairs; first rule wins on equal severity
        Map<Long, Integer> pairs = new TreeMap<>(Long::compareUnsigned);
        for (int r = 0; r < rules.size(); r++) {
            Rule rule = rules.get(r);
            for (long a : side(rule.a(), ingredients, classes, rule.id())) {
                for (long b : side(rule.b(), ingredients, classes, rule.id())) {
                    if (a == b) {
                        continue;
                    }
                    long key = (Math.min(a, b) << 32) | Math.max(a, b);
                    Integer old = pairs.get(key);
                    if (old == null || rules.get(old).severity() < rule.severity()) {
                        pairs.put(key, r);
                    }
                }
            }
        }
        // names for the fallback match: ingredient names and aliases, longest first
        Map<String, Long> names = new LinkedHashMap<>();
        ingredients.values().forEach(ing -> {
            names.put(ing.name(), ing.rxcui());
            ing.aliases().forEach(al -> {
                String n = normalise(al);
                Long prev = names.put(n, ing.rxcui());
                if (prev != null && prev != ing.rxcui()) {
                    fail("name " + n + " maps to two ingredients");
                }
            });
        });

        StringBuilder rs = new StringBuilder();
        rs.append("// @generated by plugin/gen/GenerateKnowledgeBase.java from knowledge/*.tsv -- do not edit\n");
        rs.append("pub const KB_VERSION: &str = ").append(str(version)).append(";\n\n");
        rs.append("pub static INGREDIENT_CODES: [u32; ").append(ingredients.size()).append("] = [");
        ingredients.keySet().forEach(k -> rs.append(k).append(','));
        rs.append("];\n\n");
        rs.append("pub static CLINICAL_CODES: [u32; ").append(clinical.size()).append("] = [");
        clinical.keySet().forEach(k -> rs.append(k).append(','));
        rs.append("];\n\n");
        rs.append("pub static CLINICAL_INGREDIENTS: [&[u32]; ").append(clinical.size()).append("] = [\n");
        clinical.values().forEach(cd -> {
            rs.append("    &[");
            cd.ingredients().forEach(i -> rs.append(i).append(','));
            rs.append("], // ").append(cd.name()).append('\n');
        });
        rs.append("];\n\n");
        rs.append("pub static NAMES: [(&str, u32); ").append(names.size()).append("] = [\n");
        names.forEach((n, c) -> rs.append("    (").append(str(n)).append(", ").append(c).append("),\n"));
        rs.append("];\n\n");
        // the rule of every ingredient pair as a dense table indexed by positions in INGREDIENT_CODES (both ways
        // round, 255 = none): a pair costs the plugin one load, and the table is data, not built at run time
        List<Long> codes = new ArrayList<>(ingredients.keySet());
        int n = codes.size();
        if (rules.size() >= 255) {
            fail("the u8 pair table holds at most 254 rules, there are " + rules.size());
        }
        int[] table = new int[n * n];
        java.util.Arrays.fill(table, 255);
        pairs.forEach((key, r) -> {
            int x = java.util.Collections.binarySearch(codes, key >>> 32);
            int y = java.util.Collections.binarySearch(codes, key & 0xFFFFFFFFL);
            table[x * n + y] = r;
            table[y * n + x] = r;
        });
        rs.append("/// rule index per ingredient pair, `PAIR_TABLE[a * n + b]` by positions in `INGREDIENT_CODES`; 255 = none\n");
        rs.append("pub static PAIR_TABLE: [u8; ").append(n * n).append("] = [\n");
        for (int x = 0; x < n; x++) {
            rs.append("    ");
            for (int y = 0; y < n; y++) {
                rs.append(table[x * n + y]).append(',');
            }
            rs.append('\n');
        }
        rs.append("];\n\n");
        rs.append("/// per position in `INGREDIENT_CODES`: true when some rule pairs the ingredient with another\n");
        rs.append("pub static PARTNERED: [bool; ").append(n).append("] = [");
        for (int x = 0; x < n; x++) {
            boolean any = false;
            for (int y = 0; y < n; y++) {
                any |= table[x * n + y] != 255;
            }
            rs.append(any).append(',');
        }
        rs.append("];\n\n");
        rs.append("pub struct Rule {\n    pub id: &'static str,\n    pub severity: u8,\n    pub a: &'static str,\n"
                + "    pub b: &'static str,\n    pub mechanism: &'static str,\n    pub effect: &'static str,\n"
                + "    pub management: &'static str,\n    pub source: &'static str,\n}\n\n");
        rs.append("pub static RULES: [Rule; ").append(rules.size()).append("] = [\n");
        for (Rule r : rules) {
            rs.append("    Rule { id: ").append(str(r.id())).append(", severity: ").append(r.severity())
                    .append(", a: ").append(str(label(r.a(), ingredients))).append(", b: ")
                    .append(str(label(r.b(), ingredients))).append(",\n        mechanism: ")
                    .append(str(r.mechanism())).append(",\n        effect: ").append(str(r.effect()))
                    .append(",\n        management: ").append(str(r.management())).append(",\n        source: ")
                    .append(str(r.source())).append(" },\n");
        }
        rs.append("];\n");
        Files.writeString(Path.of(args[1]), rs, StandardCharsets.UTF_8);
        System.out.printf("knowledge base %s: %d ingredients, %d clinical drugs, %d rules, %d pairs%n",
                version, ingredients.size(), clinical.size(), rules.size(), pairs.size());
    }

    /** {@code VERSION} plus the first 12 hex digits of a SHA-256 over every knowledge file. */
    static String version(Path dir) throws IOException, NoSuchAlgorithmException {
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        for (String f : FILES) {
            sha.update((f + "\n").getBytes(StandardCharsets.UTF_8));
            sha.update(Files.readAllBytes(dir.resolve(f)));
        }
        String base = Files.readString(dir.resolve("VERSION")).trim();
        return base + "+" + HexFormat.of().formatHex(sha.digest()).substring(0, 12);
    }

    static List<String[]> rows(Path file, int columns) throws IOException {
        List<String[]> out = new ArrayList<>();
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            String[] cols = line.split("\t", -1);
            if (cols.length != columns) {
                fail(file.getFileName() + ": expected " + columns + " columns: " + line);
            }
            out.add(cols);
        }
        return out;
    }

    static List<String> list(String cell) {
        return cell.isBlank() || cell.equals("-") ? List.of() : List.of(cell.split("\\|"));
    }

    static List<Long> side(String ref, Map<Long, Ingredient> ingredients, Set<String> classes, String rule) {
        if (ref.startsWith("class:")) {
            String c = ref.substring(6);
            if (!classes.contains(c)) {
                fail("rule " + rule + " names unknown class " + c);
            }
            return ingredients.values().stream().filter(i -> i.classes().contains(c)).map(Ingredient::rxcui).toList();
        }
        long code = Long.parseLong(ref);
        if (!ingredients.containsKey(code)) {
            fail("rule " + rule + " names unknown ingredient " + code);
        }
        return List.of(code);
    }

    static String label(String ref, Map<Long, Ingredient> ingredients) {
        return ref.startsWith("class:") ? ref : ingredients.get(Long.parseLong(ref)).name();
    }

    /** Lower-case ASCII letters, every other character separates words; words joined by one space. */
    static String normalise(String s) {
        StringBuilder out = new StringBuilder();
        boolean inWord = false;
        for (char ch : s.toCharArray()) {
            char c = ch >= 'A' && ch <= 'Z' ? (char) (ch + 32) : ch;
            if (c >= 'a' && c <= 'z') {
                if (!inWord && out.length() > 0) {
                    out.append(' ');
                }
                out.append(c);
                inWord = true;
            } else {
                inWord = false;
            }
        }
        return out.toString().toLowerCase(Locale.ROOT);
    }

    static String str(String s) {
        StringBuilder b = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                default -> b.append(c);
            }
        }
        return b.append('"').toString();
    }

    static void fail(String msg) {
        throw new IllegalArgumentException("knowledge base: " + msg);
    }

    private GenerateKnowledgeBase() {}
}
