package io.vitalflow.interactions.kb;

import io.vitalflow.interactions.reference.KnowledgeBase;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Builds the code → ingredients mapping of a knowledge base from the NLM RxNorm release files
 * ({@code RXNCONSO.RRF} and {@code RXNREL.RRF} of the full monthly release or of the "RxNorm
 * Prescribable Content" subset) and writes it as a new knowledge-base version into a {@link
 * KnowledgeStore}, where running checkers that watch the store pick it up without a restart.
 *
 * <p>Only the RxNorm-sourced rows ({@code SAB=RXNORM}) are read. A concept's ingredients follow the
 * relations from the concept down to ingredients (TTY {@code IN}), choosing each step by the term
 * type of the neighbour, so the direction in which a row states a relation does not matter:
 *
 * <ul>
 *   <li>PIN: {@code form_of}/{@code has_form} an IN; MIN: {@code has_part}/{@code part_of} INs;
 *   <li>SCDC: {@code has_ingredient}/{@code ingredient_of} INs (through its PIN, {@code
 *       precise_ingredient_of}, when no IN is related directly);
 *   <li>SCD: {@code consists_of}/{@code constitutes} SCDCs; SBDC and SBD: {@code
 *       tradename_of}/{@code has_tradename} their SCDC or SCD (else SBD {@code consists_of} SBDCs);
 *   <li>GPCK and BPCK: {@code contains}/{@code contained_in} SCDs and SBDs (a BPCK also through its
 *       GPCK);
 *   <li>BN: {@code tradename_of}/{@code has_tradename} INs (or a MIN);
 *   <li>SY and TMSY are further names (atoms) of a concept: the concept's code resolves, the name
 *       becomes an alias when the concept is an IN, PIN, MIN or BN.
 * </ul>
 *
 * A code enters the mapping only when at least one of its ingredients is an ingredient of the
 * knowledge base ({@code ingredients.tsv}); every row names the release it came from.
 */
public final class RxNormImport {

  /** What an import wrote. */
  public record Result(
      String version,
      Path directory,
      int codes,
      int aliases,
      Map<String, Integer> codesByTermType) {

    /** One line for a command line: version, where it went, what it holds. */
    public String summary() {
      return String.format(
          "knowledge base %s written to %s: %d codes %s, %d aliases",
          version, directory, codes, codesByTermType, aliases);
    }
  }

  private static final Set<String> CODE_TYPES =
      Set.of("PIN", "MIN", "SCD", "SBD", "SCDC", "SBDC", "GPCK", "BPCK", "BN");
  private static final Set<String> NAME_TYPES = Set.of("IN", "PIN", "MIN", "BN", "SY", "TMSY");

  private final Map<Long, String> tty = new HashMap<>();
  private final Map<Long, String> name = new HashMap<>();
  private final Map<Long, List<String>> names = new HashMap<>();
  private final Map<Long, List<long[]>> edges = new HashMap<>(); // code -> (rela id, neighbour)
  private final Map<String, Integer> relaIds = new HashMap<>();
  private final List<String> relaNames = new ArrayList<>();
  private final Map<Long, long[]> memo = new HashMap<>();

  private RxNormImport() {}

  /**
   * Command line: {@code RxNormImport RRF_DIR STORE_DIR [RELEASE_LABEL]}. Reads {@code
   * RRF_DIR/RXNCONSO.RRF} and {@code RRF_DIR/RXNREL.RRF} (or {@code RRF_DIR/rrf/...}), takes the
   * store's current version (or the packaged knowledge base) as the base, writes the new version
   * and makes it current. Exit 0 on success, 1 on bad input (message on stderr), 2 on usage errors.
   */
  public static void main(String[] args) {
    if (args.length < 2 || args.length > 3) {
      System.err.println("usage: RxNormImport RRF_DIR STORE_DIR [RELEASE_LABEL]");
      System.exit(2);
    }
    try {
      Result r = run(Path.of(args[0]), Path.of(args[1]), args.length == 3 ? args[2] : null);
      System.out.println(r.summary());
    } catch (IllegalArgumentException | UncheckedIOException e) {
      System.err.println("import failed: " + e.getMessage());
      System.exit(1);
    }
  }

  /**
   * Imports the release in {@code rrfDir} on top of the store's current knowledge (or the packaged
   * one), writes a new version into {@code store} and makes it current.
   *
   * @param release label of the release for the sources and the version, e.g. {@code 20261201};
   *     null: taken from the directory name
   * @throws IllegalArgumentException when the files are missing or not in the RRF layout (line
   *     number given)
   */
  public static Result run(Path rrfDir, Path store, String release) {
    KnowledgeStore s = KnowledgeStore.at(store);
    Map<String, byte[]> base = s.currentFiles().orElseGet(KnowledgeStore::packagedFiles);
    Path dir = Files.isRegularFile(rrfDir.resolve("RXNCONSO.RRF")) ? rrfDir : rrfDir.resolve("rrf");
    String label =
        release != null ? release : rrfDir.toAbsolutePath().normalize().getFileName().toString();
    if (!label.matches("[0-9A-Za-z.\\-]{1,40}")) {
      throw new IllegalArgumentException(
          "release label must be letters, digits, '.', '-': " + label);
    }
    RxNormImport imp = new RxNormImport();
    imp.readConso(dir.resolve("RXNCONSO.RRF"));
    imp.readRel(dir.resolve("RXNREL.RRF"));
    Map<String, byte[]> files = imp.merge(base, label);
    KnowledgeBase kb = KnowledgeBase.parse(files); // validates before anything is written
    Path written = s.write(kb.version(), files);
    Map<String, Integer> byType = new TreeMap<>();
    kb.drugCodes().values().stream()
        .filter(d -> d.source().startsWith("RxNorm " + label))
        .forEach(d -> byType.merge(d.tty(), 1, Integer::sum));
    int aliases =
        (int) kb.aliases().stream().filter(a -> a.source().startsWith("RxNorm " + label)).count();
    return new Result(
        kb.version(),
        written,
        byType.values().stream().mapToInt(Integer::intValue).sum(),
        aliases,
        byType);
  }

  private void readConso(Path file) {
    forEachRow(
        file,
        18,
        (line, f) -> {
          if (!f[11].equals("RXNORM")) {
            return;
          }
          long code = code(file, line, f[0]);
          String type = f[12];
          String str = f[14];
          if (type.equals("SY") || type.equals("TMSY")) {
            names.computeIfAbsent(code, k -> new ArrayList<>()).add(str);
            return;
          }
          if (type.equals("IN") || CODE_TYPES.contains(type)) {
            if (!tty.containsKey(code)) {
              tty.put(code, type);
              name.put(code, str);
            }
            if (NAME_TYPES.contains(type)) {
              names.computeIfAbsent(code, k -> new ArrayList<>()).add(str);
            }
          }
        });
    if (tty.isEmpty()) {
      throw new IllegalArgumentException(file + ": no RXNORM concepts of a known term type");
    }
  }

  private void readRel(Path file) {
    forEachRow(
        file,
        16,
        (line, f) -> {
          if (!f[10].equals("RXNORM")
              || f[7].isEmpty()
              || f[0].isEmpty()
              || f[4].isEmpty()
              || !f[2].equals("CUI")
              || !f[6].equals("CUI")) {
            return;
          }
          long a = code(file, line, f[0]);
          long b = code(file, line, f[4]);
          int rela =
              relaIds.computeIfAbsent(
                  f[7],
                  k -> {
                    relaNames.add(k);
                    return relaNames.size() - 1;
                  });
          edges.computeIfAbsent(a, k -> new ArrayList<>()).add(new long[] {rela, b});
          edges.computeIfAbsent(b, k -> new ArrayList<>()).add(new long[] {rela, a});
        });
  }

  /** Ingredient (IN) codes of a concept, sorted; empty when the relations lead to none. */
  long[] ingredients(long code) {
    long[] known = memo.get(code);
    if (known != null) {
      return known;
    }
    memo.put(code, new long[0]); // guards against cycles in broken files
    String type = tty.getOrDefault(code, "");
    TreeSet<Long> out = new TreeSet<>();
    switch (type) {
      case "IN" -> out.add(code);
      case "PIN" -> follow(code, Set.of("form_of", "has_form"), Set.of("IN"), out);
      case "MIN" -> follow(code, Set.of("has_part", "part_of"), Set.of("IN"), out);
      case "SCDC" -> {
        follow(code, Set.of("has_ingredient", "ingredient_of"), Set.of("IN"), out);
        if (out.isEmpty()) {
          follow(
              code, Set.of("has_precise_ingredient", "precise_ingredient_of"), Set.of("PIN"), out);
        }
      }
      case "SCD" -> {
        follow(code, Set.of("consists_of", "constitutes"), Set.of("SCDC"), out);
        if (out.isEmpty()) {
          follow(code, Set.of("has_ingredients", "ingredients_of"), Set.of("MIN"), out);
        }
      }
      case "SBDC" -> follow(code, Set.of("tradename_of", "has_tradename"), Set.of("SCDC"), out);
      case "SBD" -> {
        follow(code, Set.of("tradename_of", "has_tradename"), Set.of("SCD"), out);
        if (out.isEmpty()) {
          follow(code, Set.of("consists_of", "constitutes"), Set.of("SBDC"), out);
        }
      }
      case "GPCK" -> follow(code, Set.of("contains", "contained_in"), Set.of("SCD", "SBD"), out);
      case "BPCK" -> {
        follow(code, Set.of("contains", "contained_in"), Set.of("SCD", "SBD"), out);
        if (out.isEmpty()) {
          follow(code, Set.of("tradename_of", "has_tradename"), Set.of("GPCK"), out);
        }
      }
      case "BN" -> follow(code, Set.of("tradename_of", "has_tradename"), Set.of("IN", "MIN"), out);
      default -> {}
    }
    long[] result = out.stream().mapToLong(Long::longValue).toArray();
    memo.put(code, result);
    return result;
  }

  private void follow(long code, Set<String> relas, Set<String> types, TreeSet<Long> out) {
    for (long[] e : edges.getOrDefault(code, List.of())) {
      long other = e[1];
      if (types.contains(tty.getOrDefault(other, "")) && relas.contains(relaName((int) e[0]))) {
        for (long i : ingredients(other)) {
          out.add(i);
        }
      }
    }
  }

  private String relaName(int id) {
    return relaNames.get(id);
  }

  /**
   * The base files with the imported codes and names added (imported rows replace base rows of the
   * same code).
   */
  private Map<String, byte[]> merge(Map<String, byte[]> base, String label) {
    KnowledgeBase kb = KnowledgeBase.parse(base);
    Set<Long> known = kb.ingredients().keySet();
    String source = "RxNorm " + label + " (NLM RRF: RXNCONSO.RRF, RXNREL.RRF)";
    Map<Long, String> rows = new TreeMap<>();
    List<String> aliasRows = new ArrayList<>();
    Set<String> aliasSeen = new java.util.HashSet<>();
    kb.aliases().forEach(a -> aliasSeen.add(String.join(" ", KnowledgeBase.words(a.name()))));
    kb.ingredients()
        .values()
        .forEach(
            i -> {
              aliasSeen.add(i.name());
              i.aliases().forEach(a -> aliasSeen.add(String.join(" ", KnowledgeBase.words(a))));
            });
    for (Map.Entry<Long, String> e : new TreeMap<>(tty).entrySet()) {
      long code = e.getKey();
      String type = e.getValue();
      long[] ings = ingredients(code);
      List<Long> mine = new ArrayList<>();
      for (long i : ings) {
        mine.add(i);
      }
      if (mine.stream().noneMatch(known::contains)) {
        continue;
      }
      if (!type.equals("IN") && !known.contains(code)) {
        rows.put(
            code,
            code
                + "\t"
                + type
                + "\t"
                + clean(name.get(code))
                + "\t"
                + String.join("|", mine.stream().map(String::valueOf).toList())
                + "\t"
                + source);
      }
      if (Set.of("IN", "PIN", "MIN", "BN").contains(type)) {
        List<Long> kbIngs = mine.stream().filter(known::contains).toList();
        for (String n : names.getOrDefault(code, List.of())) {
          String normal = String.join(" ", KnowledgeBase.words(n));
          if (!normal.isEmpty() && aliasSeen.add(normal)) {
            String kind = type.equals("BN") ? "brand" : "synonym";
            aliasRows.add(
                clean(n)
                    + "\t"
                    + String.join("|", kbIngs.stream().map(String::valueOf).toList())
                    + "\t"
                    + kind
                    + "\t"
                    + source
                    + " "
                    + type
                    + " "
                    + code);
          }
        }
      }
    }
    // base drug codes that the release does not have stay, with their own sources
    StringBuilder codes = new StringBuilder(header(base.get("drug_codes.tsv")));
    kb.drugCodes()
        .values()
        .forEach(
            d -> {
              if (!rows.containsKey(d.rxcui())) {
                codes
                    .append(d.rxcui())
                    .append('\t')
                    .append(d.tty())
                    .append('\t')
                    .append(d.name())
                    .append('\t')
                    .append(
                        String.join("|", d.ingredients().stream().map(String::valueOf).toList()))
                    .append('\t')
                    .append(d.source())
                    .append('\n');
              }
            });
    rows.values().forEach(r -> codes.append(r).append('\n'));
    StringBuilder aliases =
        new StringBuilder(new String(base.get("aliases.tsv"), StandardCharsets.UTF_8));
    if (aliases.length() > 0 && aliases.charAt(aliases.length() - 1) != '\n') {
      aliases.append('\n');
    }
    aliasRows.forEach(r -> aliases.append(r).append('\n'));
    Map<String, byte[]> out = new LinkedHashMap<>(base);
    String baseVersion =
        new String(base.get("VERSION"), StandardCharsets.UTF_8)
            .trim()
            .replaceAll("-rxnorm\\..*$", "");
    out.put("VERSION", (baseVersion + "-rxnorm." + label + "\n").getBytes(StandardCharsets.UTF_8));
    out.put("drug_codes.tsv", codes.toString().getBytes(StandardCharsets.UTF_8));
    out.put("aliases.tsv", aliases.toString().getBytes(StandardCharsets.UTF_8));
    return out;
  }

  private static String header(byte[] file) {
    StringBuilder h = new StringBuilder();
    for (String line : new String(file, StandardCharsets.UTF_8).split("\n")) {
      if (line.startsWith("#")) {
        h.append(line).append('\n');
      }
    }
    return h.toString();
  }

  /** A name as a TSV cell: no tabs, newlines or list separators. */
  private static String clean(String s) {
    return s.replace('\t', ' ').replace('\n', ' ').replace('\r', ' ').replace('|', '/');
  }

  private interface RowHandler {
    void row(long line, String[] fields);
  }

  private static void forEachRow(Path file, int columns, RowHandler handler) {
    if (!Files.isRegularFile(file)) {
      throw new IllegalArgumentException("missing " + file);
    }
    try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      String line;
      long n = 0;
      while ((line = in.readLine()) != null) {
        n++;
        if (line.isEmpty()) {
          continue;
        }
        String[] f = line.split("\\|", -1);
        // every RRF row ends with a '|': columns + 1 fields, the last one empty
        if (f.length != columns + 1 || !f[columns].isEmpty()) {
          throw new IllegalArgumentException(
              file.getFileName()
                  + " line "
                  + n
                  + ": expected "
                  + columns
                  + " '|'-terminated fields, found "
                  + (f.length - 1));
        }
        handler.row(n, f);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file, e);
    }
  }

  private static long code(Path file, long line, String cell) {
    if (!cell.matches("[0-9]{1,9}")) {
      throw new IllegalArgumentException(
          file.getFileName() + " line " + line + ": not an RXCUI: " + cell);
    }
    return Long.parseLong(cell);
  }
}
