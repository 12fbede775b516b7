package io.vitalflow.interactions;

import io.vitalflow.interactions.reference.KnowledgeBase;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * A knowledge base compiled for checking: the host half resolves medications (code, else name) to ingredients,
 * and the {@linkplain #image() image} is what the plugin loads (ingredient codes, rule severities, the rule of every
 * ingredient pair, the rule texts). Built at run time from the TSV data, so new codes or rules need no compiler.
 * Immutable and thread-safe.
 *
 * <p>Why the host resolves codes: a full RxNorm mapping has tens of thousands of codes; in the plugin each would
 * cost a copy into every pooled instance's linear memory and each lookup a binary search through Chicory's
 * bounds-checked memory accessors. In Java a code is one probe of an open-addressing table that the JIT inlines, and
 * the plugin only sees the ingredients that take part in some rule.
 */
public final class Knowledge {

    /** {@code "VFK1"} little-endian, the first word of an image. */
    static final int MAGIC = 0x314B_4656;
    private static final int NO_RULE = 0xFFFF;

    /** What one medication resolved to. */
    static final class Resolved {
        /** ordinals of the knowledge-base ingredients, sorted, distinct */
        final int[] ingredients;
        /** plugin positions of those ingredients that take part in some rule, sorted */
        final int[] positions;

        Resolved(int[] ingredients, int[] positionOf) {
            this.ingredients = ingredients;
            int[] p = new int[ingredients.length];
            int k = 0;
            for (int i : ingredients) {
                if (positionOf[i] >= 0) {
                    p[k++] = positionOf[i];
                }
            }
            p = Arrays.copyOf(p, k);
            Arrays.sort(p);
            this.positions = p;
        }
    }

    private final KnowledgeBase data;
    private final String version;
    private final int token;
    private final long[] ingredientCodes;
    private final List<Rule> rules;
    private final long[] codeKeys;
    private final Resolved[] codeValues;
    private final int codeMask;
    private final int codeCount;
    private final NameMatcher names;
    private final int[] positionOf;
    private final byte[] image;

    private Knowledge(KnowledgeBase data) {
        this.data = data;
        this.version = data.version();
        int hash = (int) Long.parseLong(version.substring(version.length() - 8), 16);
        this.token = hash == MAGIC ? hash ^ 1 : hash; // a request never starts like an image
        // ingredients by code; ordinal = position in this array
        // plain loops, no streams or lambdas: this runs in a cold JVM before the first check
        long[] codesSorted = new long[data.ingredients().size()];
        int c0 = 0;
        for (long code : data.ingredients().keySet()) {
            codesSorted[c0++] = code;
        }
        Arrays.sort(codesSorted);
        this.ingredientCodes = codesSorted;
        Map<Long, Integer> ordinal = new HashMap<>();
        for (int k = 0; k < ingredientCodes.length; k++) {
            ordinal.put(ingredientCodes[k], k);
        }
        List<Rule> ruleList = new ArrayList<>(data.rules().size());
        for (KnowledgeBase.RuleRow row : data.rules()) {
            ruleList.add(row.rule());
        }
        this.rules = List.copyOf(ruleList);
        if (rules.size() >= NO_RULE) {
            throw new IllegalArgumentException("at most " + (NO_RULE - 1) + " rules, there are " + rules.size());
        }
        // expand class rules: the most severe rule per ingredient pair, the first in file order on ties
        int n = ingredientCodes.length;
        int[] pair = new int[n * n];
        Arrays.fill(pair, NO_RULE);
        for (int r = 0; r < rules.size(); r++) {
            KnowledgeBase.RuleRow row = data.rules().get(r);
            for (int a : side(data, row.a(), ordinal)) {
                for (int b : side(data, row.b(), ordinal)) {
                    if (a != b && (pair[a * n + b] == NO_RULE
                            || rules.get(pair[a * n + b]).severity().compareTo(rules.get(r).severity()) < 0)) {
                        pair[a * n + b] = r;
                        pair[b * n + a] = r;
                    }
                }
            }
        }
        // only ingredients with a partner go to the plugin
        this.positionOf = new int[n];
        List<Integer> partnered = new ArrayList<>();
        for (int a = 0; a < n; a++) {
            positionOf[a] = -1;
            for (int b = 0; b < n; b++) {
                if (pair[a * n + b] != NO_RULE) {
                    positionOf[a] = partnered.size();
                    partnered.add(a);
                    break;
                }
            }
        }
        // codes: ingredients themselves, then every drug code with at least one known ingredient
        Map<Long, Resolved> codes = new LinkedHashMap<>();
        Map<String, Resolved> shared = new HashMap<>(); // one Resolved per distinct ingredient set
        for (int k = 0; k < n; k++) {
            codes.put(ingredientCodes[k], intern(new int[] {k}, shared));
        }
        for (KnowledgeBase.DrugCode d : data.drugCodes().values()) {
            int[] ords = new int[d.ingredients().size()];
            int k = 0;
            for (long i : d.ingredients()) { // sorted and distinct already
                Integer o = ordinal.get(i);
                if (o != null) {
                    ords[k++] = o;
                }
            }
            if (k > 0) {
                ords = Arrays.copyOf(ords, k);
                Arrays.sort(ords);
                codes.put(d.rxcui(), intern(ords, shared));
            }
        }
        int capacity = Integer.highestOneBit(Math.max(4, codes.size() * 2 - 1)) << 1;
        this.codeKeys = new long[capacity];
        this.codeValues = new Resolved[capacity];
        this.codeMask = capacity - 1;
        this.codeCount = codes.size();
        for (Map.Entry<Long, Resolved> e : codes.entrySet()) {
            long code = e.getKey();
            int slot = slot(code);
            while (codeValues[slot] != null) {
                slot = (slot + 1) & codeMask;
            }
            codeKeys[slot] = code;
            codeValues[slot] = e.getValue();
        }
        // names: ingredient names, their aliases, and the alias table
        Map<String, TreeSet<Integer>> terms = new LinkedHashMap<>();
        for (KnowledgeBase.Ingredient i : data.ingredients().values()) {
            int ord = ordinal.get(i.rxcui());
            term(terms, i.name(), ord);
            for (String a : i.aliases()) {
                term(terms, a, ord);
            }
        }
        for (KnowledgeBase.Alias a : data.aliases()) {
            for (long i : a.ingredients()) {
                term(terms, a.name(), ordinal.get(i));
            }
        }
        Map<String, int[]> termMap = new LinkedHashMap<>();
        for (Map.Entry<String, TreeSet<Integer>> e : terms.entrySet()) {
            int[] ords = new int[e.getValue().size()];
            int k = 0;
            for (int o : e.getValue()) {
                ords[k++] = o;
            }
            termMap.put(e.getKey(), ords);
        }
        this.names = new NameMatcher(termMap);
        this.image = image(partnered, pair, n);
    }

    /** Compiles (and validates) a knowledge base. */
    public static Knowledge compile(KnowledgeBase data) {
        return new Knowledge(data);
    }

    /** The knowledge base packaged in this jar. */
    public static Knowledge shipped() {
        return Shipped.INSTANCE;
    }

    /** A knowledge-base directory, e.g. a version written by {@code io.vitalflow.interactions.kb.RxNormImport}. */
    public static Knowledge load(Path dir) {
        return compile(KnowledgeBase.load(dir));
    }

    private static final class Shipped {
        static final Knowledge INSTANCE = compile(KnowledgeBase.load());
    }

    private static void term(Map<String, TreeSet<Integer>> terms, String text, int ordinal) {
        String key = String.join(" ", KnowledgeBase.words(text));
        TreeSet<Integer> set = terms.get(key);
        if (set == null) {
            set = new TreeSet<>();
            terms.put(key, set);
        }
        set.add(ordinal);
    }

    private Resolved intern(int[] ords, Map<String, Resolved> shared) {
        String key = Arrays.toString(ords);
        Resolved r = shared.get(key);
        if (r == null) {
            r = new Resolved(ords, positionOf);
            shared.put(key, r);
        }
        return r;
    }

    private static List<Integer> side(KnowledgeBase data, String ref, Map<Long, Integer> ordinal) {
        List<Integer> out = new ArrayList<>();
        if (ref.startsWith("class:")) {
            String c = ref.substring(6);
            for (KnowledgeBase.Ingredient i : data.ingredients().values()) {
                if (i.classes().contains(c)) {
                    out.add(ordinal.get(i.rxcui()));
                }
            }
        } else {
            out.add(ordinal.get(Long.parseLong(ref)));
        }
        return out;
    }

    private int slot(long code) {
        long h = code * 0x9E3779B97F4A7C15L;
        return (int) (h >>> 40) & codeMask;
    }

    /** Resolution of one medication: by code (any term type the data maps), else by name; null when unknown. */
    Resolved resolve(Medication m) {
        long code = m.rxcuiNumber();
        if (code != 0) {
            int slot = slot(code);
            Resolved r;
            while ((r = codeValues[slot]) != null) {
                if (codeKeys[slot] == code) {
                    return r;
                }
                slot = (slot + 1) & codeMask;
            }
        }
        String name = m.name();
        if (name == null || name.isEmpty()) {
            return null;
        }
        int[] ords = names.match(name);
        return ords.length == 0 ? null : new Resolved(ords, positionOf);
    }

    /**
     * The knowledge-base ingredients (RxCUIs, sorted) a medication resolves to; empty when it cannot be resolved, in
     * which case a check reports it as unknown ("not checked").
     */
    public List<Long> ingredients(Medication medication) {
        Resolved r = resolve(medication);
        if (r == null) {
            return List.of();
        }
        List<Long> out = new ArrayList<>(r.ingredients.length);
        for (int i : r.ingredients) {
            out.add(ingredientCodes[i]);
        }
        return List.copyOf(out);
    }

    /** Token the plugin compares with every request, so positions of one version never reach another. */
    int token() {
        return token;
    }

    public String version() {
        return version;
    }

    /** Rules in file order; a finding's rule index points here. */
    public List<Rule> rules() {
        return rules;
    }

    /** The validated data this was compiled from. */
    public KnowledgeBase data() {
        return data;
    }

    /** Codes that resolve: knowledge-base ingredients plus drug codes with at least one of them. */
    public int codeCount() {
        return codeCount;
    }

    /** The image the plugin's {@code configure} export loads (see {@code docs/interaction-checker.md}). */
    public byte[] image() {
        return image.clone();
    }

    byte[] imageShared() {
        return image;
    }

    private byte[] image(List<Integer> partnered, int[] pair, int n) {
        int p = partnered.size();
        if (p > 0xFFFF) {
            throw new IllegalArgumentException("more than 65535 ingredients with rules");
        }
        Out out = new Out(64 + p * 4 + p * p * 2 + rules.size() * 256);
        out.u32(MAGIC);
        byte[] v = version.getBytes(StandardCharsets.US_ASCII);
        out.u8(v.length);
        out.bytes(v);
        out.u32(token);
        out.u16(p);
        for (int ord : partnered) {
            out.u32((int) ingredientCodes[ord]);
        }
        out.u16(rules.size());
        for (Rule r : rules) {
            out.u8(r.severity().code());
        }
        for (int x = 0; x < p; x++) {
            for (int y = 0; y < p; y++) {
                out.u16(pair[partnered.get(x) * n + partnered.get(y)]);
            }
        }
        Out describe = new Out(rules.size() * 512);
        describe.u16(rules.size());
        for (Rule r : rules) {
            describe.u8(r.severity().code());
            for (String s : new String[] {r.id(), r.a(), r.b(), r.mechanism(), r.effect(), r.management(), r.source()}) {
                byte[] b = s.getBytes(StandardCharsets.UTF_8);
                if (b.length > 0xFFFF) {
                    throw new IllegalArgumentException("rule " + r.id() + ": a text is longer than 65535 bytes");
                }
                describe.u16(b.length);
                describe.bytes(b);
            }
        }
        byte[] d = describe.toByteArray();
        out.u32(d.length);
        out.bytes(d);
        return out.toByteArray();
    }

    /** Little-endian writer. */
    private static final class Out extends ByteArrayOutputStream {
        Out(int size) {
            super(size);
        }

        void u8(int v) {
            write(v);
        }

        void u16(int v) {
            write(v);
            write(v >>> 8);
        }

        void u32(int v) {
            u16(v);
            u16(v >>> 16);
        }

        void bytes(byte[] b) {
            write(b, 0, b.length);
        }
    }

    @Override
    public String toString() {
        return "Knowledge[" + version + ", " + ingredientCodes.length + " ingredients, " + codeCount + " codes, "
                + rules.size() + " rules]";
    }
}
