package io.vitalflow.fhir.input;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.hl7.fhir.utilities.xhtml.NodeType;
import org.hl7.fhir.utilities.xhtml.XhtmlNode;

/**
 * FHIR R4's rules for the XHTML of a narrative ({@code Narrative.div}, constraints txt-1 and txt-2
 * of https://hl7.org/fhir/R4/narrative.html): only the basic HTML formatting elements and
 * attributes, links, images and inline styles; no scripts, forms, frames, objects, embeds, base,
 * link or style elements, no event attributes ({@code onclick}...), and some non-whitespace
 * content. The element and attribute lists are the ones the official FHIR validator checks ({@code
 * XhtmlValidator}); on top of them, URLs of links and images may not be {@code javascript:}, {@code
 * vbscript:} or (except an image's) {@code data:}, and inline styles may not hold expressions or
 * URLs, since a narrative is shown in browsers as is.
 */
final class NarrativeRules {

  private static final Set<String> ELEMENTS =
      Set.of(
          "p",
          "br",
          "div",
          "h1",
          "h2",
          "h3",
          "h4",
          "h5",
          "h6",
          "a",
          "span",
          "b",
          "em",
          "i",
          "strong",
          "small",
          "big",
          "tt",
          "dfn",
          "q",
          "var",
          "abbr",
          "acronym",
          "cite",
          "blockquote",
          "hr",
          "address",
          "bdo",
          "kbd",
          "sub",
          "sup",
          "ul",
          "ol",
          "li",
          "dl",
          "dt",
          "dd",
          "pre",
          "table",
          "caption",
          "colgroup",
          "col",
          "thead",
          "tr",
          "tfoot",
          "tbody",
          "th",
          "td",
          "code",
          "samp",
          "img",
          "map",
          "area");
  private static final Set<String> ATTRIBUTES =
      Set.of(
          "title",
          "style",
          "class",
          "id",
          "lang",
          "xml:lang",
          "dir",
          "accesskey",
          "tabindex",
          "span",
          "width",
          "align",
          "valign",
          "char",
          "charoff",
          "abbr",
          "axis",
          "headers",
          "scope",
          "rowspan",
          "colspan",
          "xml:space");
  private static final Set<String> ELEMENT_ATTRIBUTES =
      Set.of(
          "a.href",
          "a.name",
          "img.src",
          "img.border",
          "div.xmlns",
          "blockquote.cite",
          "q.cite",
          "a.charset",
          "a.type",
          "a.hreflang",
          "a.rel",
          "a.rev",
          "a.shape",
          "a.coords",
          "img.alt",
          "img.longdesc",
          "img.height",
          "img.width",
          "img.usemap",
          "img.ismap",
          "map.name",
          "area.shape",
          "area.coords",
          "area.href",
          "area.nohref",
          "area.alt",
          "table.summary",
          "table.width",
          "table.border",
          "table.frame",
          "table.rules",
          "table.cellspacing",
          "table.cellpadding",
          "pre.space",
          "td.nowrap");

  /** Attributes holding a URL, checked for active schemes. */
  private static final Set<String> URL_ATTRIBUTES =
      Set.of("href", "src", "cite", "longdesc", "usemap");

  private static final Set<String> ACTIVE_SCHEMES =
      Set.of("javascript", "vbscript", "livescript", "mocha", "data");
  private static final Pattern SCHEME = Pattern.compile("^([a-z][a-z0-9+.\\-]*):");

  /** Whitespace and control characters browsers drop from URLs before reading the scheme. */
  private static final Pattern IGNORED_IN_URL = Pattern.compile("[\\x00-\\x20\\x7f]+");

  private static final Pattern ACTIVE_STYLE =
      Pattern.compile(
          "expression\\s*\\(|javascript:|vbscript:" + "|behavior\\s*:|-moz-binding|@import",
          Pattern.CASE_INSENSITIVE);
  private static final Pattern CSS_URL =
      Pattern.compile("url\\s*\\(([^)]*)\\)?", Pattern.CASE_INSENSITIVE);

  private NarrativeRules() {}

  /** Adds a problem for every rule {@code div} (the narrative at {@code path}) breaks. */
  static void check(XhtmlNode div, String path, List<String> problems) {
    if (div.getNodeType() != NodeType.Element || !"div".equals(div.getName())) {
      problems.add(path + ": a narrative is a single <div> element (txt-1)");
      return;
    }
    int before = problems.size();
    element(div, path, problems);
    if (problems.size() == before && !hasContent(div)) {
      problems.add(
          path
              + ": the narrative has no content; it needs some non-whitespace text or an image (txt-2)");
    }
  }

  private static void element(XhtmlNode node, String path, List<String> problems) {
    String name = node.getName() == null ? "" : node.getName();
    if (!ELEMENTS.contains(name)) {
      problems.add(
          path
              + ": element <"
              + bounded(name)
              + "> is not allowed in a narrative (txt-1: only basic"
              + " HTML formatting; no script, form, iframe, object, embed, base, link or style elements)");
      return;
    }
    if (node.hasAttributes()) {
      for (Map.Entry<String, String> attribute : node.getAttributes().entrySet()) {
        attribute(name, attribute.getKey(), attribute.getValue(), path, problems);
      }
    }
    if (node.hasChildren()) {
      for (XhtmlNode child : node.getChildNodes()) {
        switch (child.getNodeType()) {
          case Element -> element(child, path, problems);
          case Text, Comment -> {}
          default ->
              problems.add(
                  path
                      + ": a narrative may hold elements, text and comments, not a "
                      + child.getNodeType().name().toLowerCase(Locale.ROOT)
                      + " (txt-1)");
        }
      }
    }
  }

  private static void attribute(
      String element, String attribute, String value, String path, List<String> problems) {
    String name = attribute.toLowerCase(Locale.ROOT);
    if (!(name.startsWith("xmlns")
        || ATTRIBUTES.contains(name)
        || ELEMENT_ATTRIBUTES.contains(element + "." + name))) {
      problems.add(
          path
              + ": attribute '"
              + bounded(attribute)
              + "' on <"
              + element
              + "> is not allowed in a narrative"
              + (name.startsWith("on") ? " (txt-1: no event attributes)" : " (txt-1)"));
      return;
    }
    if (value == null) {
      return;
    }
    if (URL_ATTRIBUTES.contains(name)) {
      String scheme = activeScheme(value, element.equals("img") && name.equals("src"));
      if (scheme != null) {
        problems.add(
            path
                + ": a "
                + scheme
                + ": URL in '"
                + name
                + "' of <"
                + element
                + "> is not allowed in a"
                + " narrative (txt-1: no active content)");
      }
    } else if (name.equals("style")) {
      style(element, value, path, problems);
    }
  }

  /**
   * Inline styles are allowed (the official examples draw table rows with {@code background-image:
   * url(data:image/png...)}), but no expressions, bindings, imports or URLs other than images and
   * plain links.
   */
  private static void style(String element, String value, String path, List<String> problems) {
    if (ACTIVE_STYLE.matcher(value).find()) {
      problems.add(
          path
              + ": the style of a <"
              + element
              + "> holds an expression, binding, import or script,"
              + " which a narrative may not (txt-1: no active content)");
      return;
    }
    var url = CSS_URL.matcher(value);
    while (url.find()) {
      String scheme = activeScheme(url.group(1), true);
      if (scheme != null) {
        problems.add(
            path
                + ": the style of a <"
                + element
                + "> refers to a "
                + scheme
                + ": URL, which a narrative"
                + " may not (txt-1: no active content)");
        return;
      }
    }
  }

  /**
   * The scheme of {@code url} when it is an active one (script, or data other than an image where
   * images are allowed); null for relative, web, mail and other passive URLs.
   */
  private static String activeScheme(String url, boolean imageDataAllowed) {
    String plain = IGNORED_IN_URL.matcher(url).replaceAll("").toLowerCase(Locale.ROOT);
    if (plain.startsWith("'") || plain.startsWith("\"")) {
      plain = plain.substring(1);
    }
    var scheme = SCHEME.matcher(plain);
    if (!scheme.find() || !ACTIVE_SCHEMES.contains(scheme.group(1))) {
      return null;
    }
    boolean image = plain.startsWith("data:image/") && !plain.startsWith("data:image/svg");
    return scheme.group(1).equals("data") && imageDataAllowed && image ? null : scheme.group(1);
  }

  /** txt-2: some non-whitespace text, or an image. */
  private static boolean hasContent(XhtmlNode node) {
    if (!node.hasChildren()) {
      return false;
    }
    for (XhtmlNode child : node.getChildNodes()) {
      if (child.getNodeType() == NodeType.Text
          && child.getContent() != null
          && !child.getContent().isBlank()) {
        return true;
      }
      if (child.getNodeType() == NodeType.Element
          && ("img".equals(child.getName()) || hasContent(child))) {
        return true;
      }
    }
    return false;
  }

  private static String bounded(String text) {
    return text.length() <= 64 ? text : text.substring(0, 64) + "...";
  }
}
