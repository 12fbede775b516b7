package io.vitalflow.platform.ops;

import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The metric names a PromQL expression reads, found conservatively without a full parser: string
 * literals, label matchers ({@code {...}}), ranges ({@code [...]}) and the label lists of {@code
 * by}, {@code without}, {@code on}, {@code ignoring}, {@code group_left} and {@code group_right}
 * are removed; of the identifiers left, those followed by {@code (} are functions or aggregations,
 * and keywords are dropped. What remains is a metric name, bare or before {@code {} or {@code [}.
 */
public final class PromQl {

  private static final Pattern STRING = Pattern.compile("\"(?:[^\"\\\\]|\\\\.)*\"|'[^']*'");
  private static final Pattern LABEL_LIST =
      Pattern.compile(
          "\\b(by|without|on|ignoring|group_left|group_right)\\s*\\([^)]*\\)",
          Pattern.CASE_INSENSITIVE);
  private static final Pattern IDENTIFIER =
      Pattern.compile("(?<![\\w$.])([a-zA-Z_:][a-zA-Z0-9_:]*)(?![\\w.])");
  private static final Set<String> KEYWORDS =
      Set.of(
          "and",
          "or",
          "unless",
          "bool",
          "offset",
          "by",
          "without",
          "on",
          "ignoring",
          "group_left",
          "group_right",
          "inf",
          "nan",
          "atan2",
          "start",
          "end");

  private PromQl() {}

  /** The metric names {@code expression} selects. */
  public static Set<String> metricNames(String expression) {
    String rest = STRING.matcher(expression).replaceAll("\"\"");
    rest = rest.replaceAll("\\{[^}]*\\}", " ");
    rest = rest.replaceAll("\\[[^]]*\\]", " ");
    rest = LABEL_LIST.matcher(rest).replaceAll(" ");
    Set<String> names = new TreeSet<>();
    Matcher identifier = IDENTIFIER.matcher(rest);
    while (identifier.find()) {
      String name = identifier.group(1);
      if (KEYWORDS.contains(name.toLowerCase(Locale.ROOT))) {
        continue;
      }
      int after = identifier.end();
      while (after < rest.length() && Character.isWhitespace(rest.charAt(after))) {
        after++;
      }
      if (after < rest.length() && rest.charAt(after) == '(') {
        continue; // a function or an aggregation
      }
      names.add(name);
    }
    return names;
  }
}
