package io.vitalflow.loadgen.report;

import java.util.regex.Pattern;

/** Escapes text taken from a report for the document it goes into. */
final class Text {

  private static final Pattern LINE_BREAKS = Pattern.compile("\\R");

  /** A {@code <} that could open an HTML tag, comment or processing instruction in Markdown. */
  private static final Pattern TAG_START = Pattern.compile("<(?=[A-Za-z/!?])");

  private Text() {}

  /** Text for an XML/HTML element or a double-quoted attribute. */
  static String xml(String text) {
    StringBuilder out = new StringBuilder(text.length() + 16);
    text.codePoints()
        .forEach(
            c ->
                out.append(
                    switch (c) {
                      case '&' -> "&amp;";
                      case '<' -> "&lt;";
                      case '>' -> "&gt;";
                      case '"' -> "&quot;";
                      case '\'' -> "&#39;";
                      default -> isXmlChar(c) ? Character.toString(c) : "\uFFFD";
                    }));
    return out.toString();
  }

  /** One line of Markdown text: line breaks become spaces, HTML-looking tags are escaped. */
  static String markdown(String text) {
    String oneLine = LINE_BREAKS.matcher(text).replaceAll(" ");
    return TAG_START.matcher(oneLine).replaceAll("\\\\<");
  }

  /** A Markdown table cell: {@link #markdown(String)} with {@code |} escaped. */
  static String cell(String text) {
    return markdown(text.replace("|", "\\|"));
  }

  /** Characters XML 1.0 allows; a control character would make the page unparseable. */
  private static boolean isXmlChar(int c) {
    return c == 0x9
        || c == 0xA
        || c == 0xD
        || (c >= 0x20 && c <= 0xD7FF)
        || (c >= 0xE000 && c <= 0xFFFD)
        || c >= 0x10000;
  }
}
