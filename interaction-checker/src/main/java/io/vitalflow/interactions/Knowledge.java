package io.vitalflow.interactions;

import io.vitalflow.interactions.reference.KnowledgeBase;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
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
 * A knowledge base compiled for checking: the host half resolves medications (code, else name) to
 * ingredients, and the {@linkplain #image() image} is what the plugin loads (ingredient codes, rule
 * severities, the rule of every ingredient pair, the rule texts). Built at run time from the TSV
 * data, so new codes or rules need no compiler. Immutable and thread-safe.
 *
 * <p>Why the host resolves codes: a full RxNorm mapping has tens of thousands of codes; in the
 * plugin each would cost a copy into every pooled instance's linear memory and each lookup a binary
 * search through Chicory's bounds-checked memory accessors. In Java a code is one probe of an
 * open-addressing table that the JIT inlines, and the plugin only sees the ingredients that take
 * part in some rule.
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

  /** The data this was compiled from; null for a snapshot until {@link #data()} reads it. */
  private volatile KnowledgeBase data;

  private final String version;
  private final int token;
  private final long[] ingredientCodes;
  private final List<Rule> rules;
  private final long[] codeKeys;
  private final Resolved[] codeValues;
  private final int codeMask;
  private final int codeCount;

  /**
   * Terms (ingredient names, synonyms, brands, aliases) and the ingredient ordinals each stands
   * for.
   */
  private final String[] termTexts;

  private final int[][] termOrdinals;

  /**
   * Built on the first name-only medication: most lists carry codes, and a cold start should not
   * wait for it.
   */
  private volatile NameMatcher names;

  private final int[] positionOf;
  private final byte[] image;

  /**
   * SHA-256 (hex) of {@link #image}, when known without hashing it now (a snapshot carries it);
   * else null.
   */
  private final String imageSha256;

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
      throw new IllegalArgumentException(
          "at most " + (NO_RULE - 1) + " rules, there are " + rules.size());
    }
    // expand class rules: the most severe rule per ingredient pair, the first in file order on ties
    int n = ingredientCodes.length;
    int[] pair = new int[n * n];
    Arrays.fill(pair, NO_RULE);
    for (int r = 0; r < rules.size(); r++) {
      KnowledgeBase.RuleRow row = data.rules().get(r);
      for (int a : side(data, row.a(), ordinal)) {
        for (int b : side(data, row.b(), ordinal)) {
          if (a != b
              && (pair[a * n + b] == NO_RULE
                  || rules.get(pair[a * n + b]).severity().compareTo(rules.get(r).severity())
                      < 0)) {
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
    this.termTexts = new String[terms.size()];
    this.termOrdinals = new int[terms.size()][];
    int t = 0;
    for (Map.Entry<String, TreeSet<Integer>> e : terms.entrySet()) {
      int[] ords = new int[e.getValue().size()];
      int k = 0;
      for (int o : e.getValue()) {
        ords[k++] = o;
      }
      termTexts[t] = e.getKey();
      termOrdinals[t++] = ords;
    }
    this.image = image(partnered, pair, n);
    this.imageSha256 = null;
  }

  /** Compiles (and validates) a knowledge base. */
  public static Knowledge compile(KnowledgeBase data) {
    return new Knowledge(data);
  }

  /** The knowledge base packaged in this jar. */
  public static Knowledge shipped() {
    return Shipped.INSTANCE;
  }

  /**
   * A knowledge-base directory, e.g. a version written by {@code
   * io.vitalflow.interactions.kb.RxNormImport}.
   */
  public static Knowledge load(Path dir) {
    return compile(KnowledgeBase.load(dir));
  }

  private static final class Shipped {
    static final Knowledge INSTANCE = loadShipped();
  }

  /**
   * The shipped knowledge from its build-time {@linkplain KnowledgeSnapshot snapshot}: no TSV
   * parsing, no class expansion and no SHA-256 at start (the version and hashes were computed when
   * the jar was built; the tests check that the snapshot matches the TSV files). Without a snapshot
   * on the classpath (a build that skipped the {@code process-classes} step, e.g. some IDEs) the
   * packaged TSV files are compiled, which is slower.
   */
  private static Knowledge loadShipped() {
    byte[] snapshot;
    try (InputStream in = Knowledge.class.getResourceAsStream(KnowledgeSnapshot.RESOURCE)) {
      if (in == null) {
        return compile(KnowledgeBase.load());
      }
      snapshot = in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return KnowledgeSnapshot.read(snapshot);
  }

  /**
   * A knowledge base rebuilt from a snapshot's parts (see {@link KnowledgeSnapshot}); the data is
   * read lazily.
   */
  Knowledge(
      String version,
      long[] ingredientCodes,
      int[] positionOf,
      Resolved[] codeValuesBySlot,
      long[] codeKeysBySlot,
      int codeCount,
      String[] termTexts,
      int[][] termOrdinals,
      byte[] image,
      String imageSha256) {
    this.data = null;
    this.version = version;
    int hash = (int) Long.parseLong(version.substring(version.length() - 8), 16);
    this.token = hash == MAGIC ? hash ^ 1 : hash;
    this.ingredientCodes = ingredientCodes;
    this.positionOf = positionOf;
    this.codeKeys = codeKeysBySlot;
    this.codeValues = codeValuesBySlot;
    this.codeMask = codeKeysBySlot.length - 1;
    this.codeCount = codeCount;
    this.termTexts = termTexts;
    this.termOrdinals = termOrdinals;
    this.image = image;
    this.imageSha256 = imageSha256;
    this.rules = rulesOfImage(image);
  }

  /**
   * The rules as the image's describe section carries them (the same texts the plugin describes).
   */
  private static List<Rule> rulesOfImage(byte[] image) {
    int pos = 4;
    pos += 1 + (image[pos] & 0xFF) + 4; // version, token
    int p = u16(image, pos);
    pos += 2 + 4 * p;
    int ruleCount = u16(image, pos);
    pos += 2 + ruleCount + 2 * p * p + 4; // severities, pair table, describe length
    if (u16(image, pos) != ruleCount) {
      throw new IllegalArgumentException(
          "knowledge image: describe section does not match the rule count");
    }
    pos += 2;
    Rule[] rules = new Rule[ruleCount];
    String[] s = new String[7];
    for (int r = 0; r < ruleCount; r++) {
      Severity severity = Severity.ofCode(image[pos++] & 0xFF);
      for (int k = 0; k < 7; k++) {
        int len = u16(image, pos);
        s[k] = new String(image, pos + 2, len, StandardCharsets.UTF_8);
        pos += 2 + len;
      }
      rules[r] = new Rule(s[0], severity, s[1], s[2], s[3], s[4], s[5], s[6]);
    }
    return List.of(rules);
  }

  private static int u16(byte[] b, int pos) {
    return (b[pos] & 0xFF) | (b[pos + 1] & 0xFF) << 8;
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

  /**
   * Resolution of one medication: by code (any term type the data maps), else by name; null when
   * unknown.
   */
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
    int[] ords = names().match(name);
    return ords.length == 0 ? null : new Resolved(ords, positionOf);
  }

  /**
   * The knowledge-base ingredients (RxCUIs, sorted) a medication resolves to; empty when it cannot
   * be resolved, in which case a check reports it as unknown ("not checked").
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

  private NameMatcher names() {
    NameMatcher n = names;
    if (n == null) {
      synchronized (this) {
        n = names;
        if (n == null) {
          n = new NameMatcher(termTexts, termOrdinals);
          names = n;
        }
      }
    }
    return n;
  }

  /**
   * Token the plugin compares with every request, so positions of one version never reach another.
   */
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

  /**
   * The validated data this was compiled from. For the shipped knowledge (a snapshot) the packaged
   * TSV files are read on the first call.
   *
   * @throws IllegalStateException when the packaged files are not the ones the snapshot was built
   *     from
   */
  public KnowledgeBase data() {
    KnowledgeBase d = data;
    if (d == null) {
      synchronized (this) {
        d = data;
        if (d == null) {
          d = KnowledgeBase.load();
          if (!d.version().equals(version)) {
            throw new IllegalStateException(
                "the knowledge snapshot ("
                    + version
                    + ") was not built from the packaged knowledge files ("
                    + d.version()
                    + ")");
          }
          data = d;
        }
      }
    }
    return d;
  }

  /** Codes that resolve: knowledge-base ingredients plus drug codes with at least one of them. */
  public int codeCount() {
    return codeCount;
  }

  /**
   * The image the plugin's {@code configure} export loads (see {@code
   * docs/interaction-checker.md}).
   */
  public byte[] image() {
    return image.clone();
  }

  byte[] imageShared() {
    return image;
  }

  /**
   * SHA-256 (hex) of the image when it was computed at build time (the shipped snapshot), else
   * null.
   */
  String imageSha256() {
    return imageSha256;
  }

  /** Ingredient RxCUIs by ordinal (shared, never modified). */
  long[] ingredientCodesShared() {
    return ingredientCodes;
  }

  int[] positionOfShared() {
    return positionOf;
  }

  long[] codeKeysShared() {
    return codeKeys;
  }

  Resolved[] codeValuesShared() {
    return codeValues;
  }

  String[] termTextsShared() {
    return termTexts;
  }

  int[][] termOrdinalsShared() {
    return termOrdinals;
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
      for (String s :
          new String[] {
            r.id(), r.a(), r.b(), r.mechanism(), r.effect(), r.management(), r.source()
          }) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        if (b.length > 0xFFFF) {
          throw new IllegalArgumentException(
              "rule " + r.id() + ": a text is longer than 65535 bytes");
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
    return "Knowledge["
        + version
        + ", "
        + ingredientCodes.length
        + " ingredients, "
        + codeCount
        + " codes, "
        + rules.size()
        + " rules]";
  }
}
