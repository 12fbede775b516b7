package io.vitalflow.interactions.reference;

import io.vitalflow.interactions.Rule;
import io.vitalflow.interactions.Severity;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The knowledge data ({@code interaction-checker/knowledge/*.tsv}, packaged under {@code
 * io/vitalflow/interactions/knowledge/}, or a directory written by the RxNorm import) read and
 * validated as it is, without any expansion. Immutable.
 */
public final class KnowledgeBase {

  static final String RESOURCE_DIR = "/io/vitalflow/interactions/knowledge/";

  /** The files of a knowledge base, in the order they are hashed into its version. */
  public static final List<String> FILES =
      List.of(
          "VERSION",
          "classes.tsv",
          "ingredients.tsv",
          "drug_codes.tsv",
          "aliases.tsv",
          "rules.tsv");

  /** RxNorm term types a drug code may have. */
  public static final Set<String> TERM_TYPES =
      Set.of("IN", "PIN", "MIN", "SCD", "SBD", "SCDC", "SBDC", "GPCK", "BPCK", "BN", "SY", "TMSY");

  /** One ingredient row. */
  public record Ingredient(
      long rxcui, String name, Set<String> classes, List<String> aliases, String rxcuiCheck) {}

  /**
   * One drug code: any RxNorm concept (term type {@code tty}) and the ingredient RxCUIs it
   * contains. Ingredients outside {@code ingredients.tsv} may be listed; they are carried, not
   * checked.
   */
  public record DrugCode(
      long rxcui, String tty, String name, List<Long> ingredients, String source) {}

  /** A curated or imported name (brand, ward abbreviation, synonym) for one or more ingredients. */
  public record Alias(String name, List<Long> ingredients, String kind, String source) {}

  /** A rule with the sides as written: an ingredient RxCUI or {@code class:NAME}. */
  public record RuleRow(Rule rule, String a, String b) {}

  private final String version;
  private final Map<String, String> classes;
  private final Map<Long, Ingredient> ingredients;
  private final Map<Long, DrugCode> drugCodes;
  private final List<Alias> aliases;
  private final List<RuleRow> rules;

  private KnowledgeBase(
      String version,
      Map<String, String> classes,
      Map<Long, Ingredient> ingredients,
      Map<Long, DrugCode> drugCodes,
      List<Alias> aliases,
      List<RuleRow> rules) {
    this.version = version;
    this.classes = java.util.Collections.unmodifiableMap(classes);
    this.ingredients = java.util.Collections.unmodifiableMap(ingredients);
    this.drugCodes = java.util.Collections.unmodifiableMap(drugCodes);
    this.aliases = List.copyOf(aliases);
    this.rules = List.copyOf(rules);
  }

  /** The knowledge base packaged in this jar. */
  public static KnowledgeBase load() {
    return parse(packagedFiles());
  }

  /** The files of the knowledge base packaged in this jar, by name. */
  public static Map<String, byte[]> packagedFiles() {
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
    return files;
  }

  /** A knowledge base directory (the six files). */
  public static KnowledgeBase load(Path dir) {
    return parse(files(dir));
  }

  /** The files of a knowledge-base directory, by name. */
  public static Map<String, byte[]> files(Path dir) {
    Map<String, byte[]> files = new LinkedHashMap<>();
    for (String f : FILES) {
      try {
        files.put(f, Files.readAllBytes(dir.resolve(f)));
      } catch (IOException e) {
        throw new UncheckedIOException("cannot read knowledge file " + dir.resolve(f), e);
      }
    }
    return files;
  }

  /**
   * Parses and validates the files.
   *
   * @throws IllegalArgumentException naming the file and row when the data is inconsistent (unknown
   *     class or ingredient, duplicate code, unknown term type or severity, a missing text)
   */
  public static KnowledgeBase parse(Map<String, byte[]> files) {
    // the content hash (SHA-256 over ~150 KB, interpreted in a cold JVM) runs beside the parsing
    String[] version = new String[1];
    RuntimeException[] versionError = new RuntimeException[1];
    Thread hasher =
        new Thread(
            () -> {
              try {
                version[0] = version(files);
              } catch (RuntimeException e) {
                versionError[0] = e;
              }
            },
            "kb-hash");
    hasher.start();
    KnowledgeBase kb;
    try {
      kb = parse(files, null);
    } finally {
      joinQuietly(hasher);
    }
    if (versionError[0] != null) {
      throw versionError[0];
    }
    return new KnowledgeBase(
        version[0], kb.classes, kb.ingredients, kb.drugCodes, kb.aliases, kb.rules);
  }

  private static void joinQuietly(Thread t) {
    boolean interrupted = false;
    while (true) {
      try {
        t.join();
        break;
      } catch (InterruptedException e) {
        interrupted = true;
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }

  private static KnowledgeBase parse(Map<String, byte[]> files, String version) {
    // plain loops and no regular expressions: this runs in a cold JVM before the first check
    Map<String, String> classes = new LinkedHashMap<>();
    for (String[] r : rows(files, "classes.tsv", 3)) {
      if (classes.put(r[0], r[1]) != null) {
        throw fail("classes.tsv", "duplicate class " + r[0]);
      }
    }
    Map<Long, Ingredient> ingredients = new LinkedHashMap<>();
    for (String[] r : rows(files, "ingredients.tsv", 5)) {
      long code = code("ingredients.tsv", r[0]);
      Set<String> cls = Set.copyOf(list(r[2]));
      for (String c : cls) {
        if (!classes.containsKey(c)) {
          throw fail("ingredients.tsv", r[1] + " names unknown class " + c);
        }
      }
      if (!r[1].equals(String.join(" ", words(r[1])))) {
        throw fail("ingredients.tsv", "ingredient name must be lower-case words: " + r[1]);
      }
      if (ingredients.put(code, new Ingredient(code, r[1], cls, list(r[3]), r[4])) != null) {
        throw fail("ingredients.tsv", "duplicate ingredient " + code);
      }
    }
    Map<Long, DrugCode> drugs = new LinkedHashMap<>();
    for (String[] r : rows(files, "drug_codes.tsv", 5)) {
      long code = code("drug_codes.tsv", r[0]);
      if (!TERM_TYPES.contains(r[1])) {
        throw fail("drug_codes.tsv", code + ": unknown term type " + r[1]);
      }
      List<Long> ings = codes("drug_codes.tsv", r[3]);
      if (ings.isEmpty() || r[4].isBlank() || r[4].equals("-")) {
        throw fail("drug_codes.tsv", code + " lists no ingredient or no source");
      }
      if (ingredients.containsKey(code)) {
        throw fail("drug_codes.tsv", code + " is an ingredient of ingredients.tsv");
      }
      if (drugs.put(code, new DrugCode(code, r[1], r[2], ings, r[4])) != null) {
        throw fail("drug_codes.tsv", "duplicate code " + code);
      }
    }
    List<Alias> aliases = new ArrayList<>();
    for (String[] r : rows(files, "aliases.tsv", 4)) {
      List<Long> ings = codes("aliases.tsv", r[1]);
      for (long i : ings) {
        if (!ingredients.containsKey(i)) {
          throw fail("aliases.tsv", r[0] + " names unknown ingredient " + i);
        }
      }
      if (words(r[0]).length == 0 || ings.isEmpty() || r[3].isBlank() || r[3].equals("-")) {
        throw fail("aliases.tsv", "alias without words, ingredients or source: " + r[0]);
      }
      aliases.add(new Alias(r[0], ings, r[2], r[3]));
    }
    List<RuleRow> rules = new ArrayList<>();
    Set<String> ids = new HashSet<>();
    for (String[] r : rows(files, "rules.tsv", 8)) {
      if (!ids.add(r[0])) {
        throw fail("rules.tsv", "duplicate rule id " + r[0]);
      }
      Severity severity;
      try {
        severity = Severity.ofLabel(r[3]);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(
            "rules.tsv: rule " + r[0] + ": unknown severity " + r[3], e);
      }
      for (int k = 4; k < 8; k++) {
        if (r[k].isBlank() || r[k].equals("-")) {
          throw fail("rules.tsv", "rule " + r[0] + " lacks column " + (k + 1));
        }
      }
      Rule rule =
          new Rule(
              r[0],
              severity,
              label(r[0], r[1], ingredients, classes),
              label(r[0], r[2], ingredients, classes),
              r[4],
              r[5],
              r[6],
              r[7]);
      rules.add(new RuleRow(rule, r[1], r[2]));
    }
    return new KnowledgeBase(version, classes, ingredients, drugs, aliases, rules);
  }

  /**
   * {@code VERSION} plus the first 12 hex digits of SHA-256 over the files (name, newline, bytes,
   * in order).
   */
  public static String version(Map<String, byte[]> files) {
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      for (String f : FILES) {
        byte[] b = files.get(f);
        if (b == null) {
          throw fail(f, "missing");
        }
        sha.update((f + "\n").getBytes(StandardCharsets.UTF_8));
        sha.update(b);
      }
      String base = new String(files.get("VERSION"), StandardCharsets.UTF_8).trim();
      if (base.isEmpty() || base.length() > 80 || !versionChars(base)) {
        throw fail("VERSION", "not a version: " + base);
      }
      return base + "+" + HexFormat.of().formatHex(sha.digest()).substring(0, 12);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static boolean versionChars(String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (!(c >= '0' && c <= '9'
          || c >= 'a' && c <= 'z'
          || c >= 'A' && c <= 'Z'
          || c == '.'
          || c == '-')) {
        return false;
      }
    }
    return true;
  }

  private static String label(
      String id, String ref, Map<Long, Ingredient> ingredients, Map<String, String> classes) {
    if (ref.startsWith("class:")) {
      if (!classes.containsKey(ref.substring(6))) {
        throw fail("rules.tsv", "rule " + id + " names unknown class " + ref);
      }
      return ref;
    }
    Ingredient i = ingredients.get(code("rules.tsv", ref));
    if (i == null) {
      throw fail("rules.tsv", "rule " + id + " names unknown ingredient " + ref);
    }
    return i.name();
  }

  private static IllegalArgumentException fail(String file, String message) {
    return new IllegalArgumentException(file + ": " + message);
  }

  private static long code(String file, String cell) {
    int n = cell.length();
    if (n == 0 || n > 9) {
      throw fail(file, "not an RxCUI: " + cell);
    }
    long v = 0;
    for (int i = 0; i < n; i++) {
      char c = cell.charAt(i);
      if (c < '0' || c > '9') {
        throw fail(file, "not an RxCUI: " + cell);
      }
      v = v * 10 + (c - '0');
    }
    return v;
  }

  private static List<Long> codes(String file, String cell) {
    List<String> parts = list(cell);
    long[] v = new long[parts.size()];
    for (int i = 0; i < v.length; i++) {
      v[i] = code(file, parts.get(i));
    }
    java.util.Arrays.sort(v);
    List<Long> out = new ArrayList<>(v.length);
    for (int i = 0; i < v.length; i++) {
      if (i == 0 || v[i] != v[i - 1]) {
        out.add(v[i]);
      }
    }
    return List.copyOf(out);
  }

  private static List<String[]> rows(Map<String, byte[]> files, String name, int columns) {
    byte[] file = files.get(name);
    if (file == null) {
      throw fail(name, "missing");
    }
    String text = new String(file, StandardCharsets.UTF_8);
    List<String[]> out = new ArrayList<>();
    int start = 0;
    while (start < text.length()) {
      int end = text.indexOf('\n', start);
      if (end < 0) {
        end = text.length();
      }
      String line = text.substring(start, end);
      start = end + 1;
      if (line.isBlank() || line.charAt(0) == '#') {
        continue;
      }
      String[] cols = split(line, '\t', columns);
      if (cols == null) {
        throw fail(name, "expected " + columns + " columns: " + line);
      }
      out.add(cols);
    }
    return out;
  }

  /** Exactly {@code columns} fields separated by {@code sep}, or null. */
  private static String[] split(String line, char sep, int columns) {
    String[] cols = new String[columns];
    int k = 0;
    int from = 0;
    for (int i = 0; i <= line.length(); i++) {
      if (i == line.length() || line.charAt(i) == sep) {
        if (k == columns) {
          return null;
        }
        cols[k++] = line.substring(from, i);
        from = i + 1;
      }
    }
    return k == columns ? cols : null;
  }

  private static List<String> list(String cell) {
    if (cell.isBlank() || cell.equals("-")) {
      return List.of();
    }
    List<String> out = new ArrayList<>(2);
    int from = 0;
    for (int i = 0; i <= cell.length(); i++) {
      if (i == cell.length() || cell.charAt(i) == '|') {
        out.add(cell.substring(from, i));
        from = i + 1;
      }
    }
    return List.copyOf(out);
  }

  /** Runs of ASCII letters, lower-cased; everything else separates words. */
  public static String[] words(String s) {
    List<String> out = new ArrayList<>();
    StringBuilder w = new StringBuilder();
    for (int k = 0; k < s.length(); k++) {
      char c = s.charAt(k);
      if (c >= 'A' && c <= 'Z') {
        c = (char) (c + 32);
      }
      if (c >= 'a' && c <= 'z') {
        w.append(c);
      } else if (w.length() > 0) {
        out.add(w.toString());
        w.setLength(0);
      }
    }
    if (w.length() > 0) {
      out.add(w.toString());
    }
    return out.toArray(String[]::new);
  }

  public String version() {
    return version;
  }

  /** Class name to label, in file order. */
  public Map<String, String> classes() {
    return classes;
  }

  public Map<Long, Ingredient> ingredients() {
    return ingredients;
  }

  /** Every drug code (not ingredients of {@code ingredients.tsv}), in file order. */
  public Map<Long, DrugCode> drugCodes() {
    return drugCodes;
  }

  public List<Alias> aliases() {
    return aliases;
  }

  public List<RuleRow> rules() {
    return rules;
  }
}
