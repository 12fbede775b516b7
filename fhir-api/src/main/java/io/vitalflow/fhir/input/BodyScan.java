package io.vitalflow.fhir.input;

import java.io.StringReader;
import java.util.Locale;
import java.util.Set;
import javax.xml.stream.XMLInputFactory;
import javax.xml.stream.XMLStreamConstants;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamReader;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.core.ObjectReadContext;
import tools.jackson.core.StreamReadConstraints;
import tools.jackson.core.StreamReadFeature;
import tools.jackson.core.TokenStreamLocation;
import tools.jackson.core.json.JsonFactory;

/**
 * A streaming pass over a request body before HAPI parses it, for what HAPI's parser lets through:
 *
 * <ul>
 *   <li>duplicate JSON keys (HAPI reads the last one, a proxy or a log may read the first: one
 *       body, two patients), rejected with the key, its JSON pointer and line;
 *   <li>nesting deeper than {@code maxDepth} objects/arrays or elements: HAPI's XHTML parser
 *       ({@code XhtmlParser}, used for every narrative) recurses once per level and overflowed the
 *       stack of a network thread at a few thousand; the XHTML of a JSON narrative ({@code "div"})
 *       is a string to JSON, so its depth is counted separately;
 *   <li>any DTD: FHIR XML has none, so entities are never declared, expanded or fetched; the same
 *       holds for the XHTML of a narrative (HAPI refuses undeclared entities today; this does not
 *       depend on it).
 * </ul>
 *
 * Costs one tokenising pass without building anything (no tree, no strings except {@code div}
 * values). Thread-safe.
 */
public final class BodyScan {

  /** Elements that never have content, so an unclosed one (HTML style) does not nest. */
  private static final Set<String> VOID_ELEMENTS =
      Set.of(
          "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param",
          "source", "track", "wbr");

  private final int maxDepth;
  private final JsonFactory json;
  private final XMLInputFactory xml;

  public BodyScan(int maxDepth) {
    this.maxDepth = maxDepth;
    this.json =
        JsonFactory.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            // our own count below gives the clearer message; Jackson's is only the backstop
            .streamReadConstraints(
                StreamReadConstraints.builder().maxNestingDepth(maxDepth + 1).build())
            .build();
    this.xml = XMLInputFactory.newDefaultFactory();
    xml.setProperty(XMLInputFactory.SUPPORT_DTD, false);
    xml.setProperty(XMLInputFactory.IS_SUPPORTING_EXTERNAL_ENTITIES, false);
    xml.setProperty(XMLInputFactory.IS_REPLACING_ENTITY_REFERENCES, false);
  }

  public int maxDepth() {
    return maxDepth;
  }

  /** Checks a JSON body; a body that is not JSON at all is rejected too (with where, not what). */
  public void json(String body) {
    try (JsonParser parser = json.createParser(ObjectReadContext.empty(), body)) {
      int depth = 0;
      JsonToken token;
      while ((token = parser.nextToken()) != null) {
        switch (token) {
          case START_OBJECT, START_ARRAY -> {
            if (++depth > maxDepth) {
              throw tooDeep(
                  where(
                      parser.currentLocation(),
                      parser.streamReadContext().pathAsPointer().toString()));
            }
          }
          case END_OBJECT, END_ARRAY -> depth--;
          case VALUE_STRING -> {
            if ("div".equals(parser.currentName())) {
              xhtml(parser.getString(), parser);
            }
          }
          default -> {}
        }
      }
    } catch (InputRejected e) {
      throw e;
    } catch (JacksonException e) {
      String message = e.getOriginalMessage();
      if (message != null && message.startsWith("Duplicate Object property")) {
        throw InputRejected.malformed(
            "Duplicate JSON key '"
                + bounded(quoted(message))
                + "' at "
                + where(e.getLocation(), pointerOf(e))
                + ": a key may appear once per object (readers disagree on which"
                + " of the values wins)");
      }
      // where, not what: the message of a syntax error can quote the body
      throw InputRejected.malformed(
          "The body is not valid JSON (" + where(e.getLocation(), null) + ")");
    }
  }

  /** Checks an XML body: no DTD, no entity references, at most {@code maxDepth} nested elements. */
  public void xml(String body) {
    XMLStreamReader reader = null;
    try {
      reader = xml.createXMLStreamReader(new StringReader(body));
      int depth = 0;
      while (reader.hasNext()) {
        switch (reader.next()) {
          case XMLStreamConstants.DTD ->
              throw InputRejected.malformed(
                  "The XML has a DOCTYPE (line "
                      + reader.getLocation().getLineNumber()
                      + "): FHIR XML has no DTD, and entities are not expanded");
          case XMLStreamConstants.ENTITY_REFERENCE ->
              throw InputRejected.malformed(
                  "The XML refers to the entity '"
                      + reader.getLocalName()
                      + "' (line "
                      + reader.getLocation().getLineNumber()
                      + "): only the predefined XML entities and character references are allowed");
          case XMLStreamConstants.START_ELEMENT -> {
            if (++depth > maxDepth) {
              throw tooDeep(
                  "line "
                      + reader.getLocation().getLineNumber()
                      + ", column "
                      + reader.getLocation().getColumnNumber()
                      + ", element <"
                      + reader.getLocalName()
                      + ">");
            }
          }
          case XMLStreamConstants.END_ELEMENT -> depth--;
          default -> {}
        }
      }
    } catch (XMLStreamException e) {
      throw InputRejected.malformed(
          "The body is not well-formed XML"
              + (e.getLocation() == null
                  ? ""
                  : " (line "
                      + e.getLocation().getLineNumber()
                      + ", column "
                      + e.getLocation().getColumnNumber()
                      + ")"));
    } finally {
      if (reader != null) {
        try {
          reader.close();
        } catch (XMLStreamException e) {
          // nothing to release for a string source
        }
      }
    }
  }

  /**
   * The XHTML of a JSON narrative, which HAPI reads with its own lenient parser: counts nesting
   * over the raw text (tags, not well-formedness, so a malformed narrative cannot stop the count
   * early) and refuses declarations.
   */
  private void xhtml(String div, JsonParser parser) {
    int depth = 0;
    int i = 0;
    int n = div.length();
    while ((i = div.indexOf('<', i)) >= 0 && i + 1 < n) {
      char next = div.charAt(i + 1);
      if (div.startsWith("<!--", i)) {
        i = skipPast(div, "-->", i + 4);
      } else if (div.startsWith("<![CDATA[", i)) {
        i = skipPast(div, "]]>", i + 9);
      } else if (next == '!' || next == '?') {
        throw InputRejected.malformed(
            "The narrative at "
                + where(
                    parser.currentLocation(), parser.streamReadContext().pathAsPointer().toString())
                + " has a declaration or processing instruction"
                + " ('<"
                + next
                + "'): a narrative is plain XHTML, no DOCTYPE or entities");
      } else if (next == '/') {
        depth = Math.max(0, depth - 1);
        i = skipPast(div, ">", i + 2);
      } else {
        int end = tagEnd(div, i + 1);
        if (end < 0) {
          return;
        }
        boolean selfClosing = div.charAt(end - 1) == '/';
        if (!selfClosing
            && !VOID_ELEMENTS.contains(tagName(div, i + 1, end))
            && ++depth > maxDepth) {
          throw tooDeep(
              "the narrative at "
                  + where(
                      parser.currentLocation(),
                      parser.streamReadContext().pathAsPointer().toString()));
        }
        i = end + 1;
      }
      if (i < 0) {
        return;
      }
    }
  }

  private static int skipPast(String text, String marker, int from) {
    int at = text.indexOf(marker, from);
    return at < 0 ? -1 : at + marker.length();
  }

  /**
   * The index of the {@code >} that ends the tag starting at {@code from}, quotes respected; -1 if
   * none.
   */
  private static int tagEnd(String text, int from) {
    char quote = 0;
    for (int i = from; i < text.length(); i++) {
      char c = text.charAt(i);
      if (quote != 0) {
        if (c == quote) {
          quote = 0;
        }
      } else if (c == '"' || c == '\'') {
        quote = c;
      } else if (c == '>') {
        return i;
      }
    }
    return -1;
  }

  private static String tagName(String text, int from, int end) {
    int i = from;
    while (i < end && !Character.isWhitespace(text.charAt(i)) && text.charAt(i) != '/') {
      i++;
    }
    String name = text.substring(from, i);
    int colon = name.indexOf(':');
    return (colon < 0 ? name : name.substring(colon + 1)).toLowerCase(Locale.ROOT);
  }

  private InputRejected tooDeep(String where) {
    return InputRejected.malformed(
        "The body nests deeper than "
            + maxDepth
            + " levels at "
            + where
            + " (vitalflow.fhir.max-depth)");
  }

  private static String where(TokenStreamLocation location, String pointer) {
    String at =
        location == null
            ? ""
            : "line " + location.getLineNr() + ", column " + location.getColumnNr();
    if (pointer == null) {
      return at;
    }
    String path = pointer.isEmpty() ? "the top level" : "'" + bounded(pointer) + "'";
    return at.isEmpty() ? path : path + " (" + at + ")";
  }

  private static String pointerOf(JacksonException e) {
    return e.processor() instanceof JsonParser parser
        ? parser.streamReadContext().pathAsPointer().toString()
        : null;
  }

  /** The key named in Jackson's duplicate message: the text between the first pair of quotes. */
  private static String quoted(String message) {
    int open = message.indexOf('"');
    int close = open < 0 ? -1 : message.indexOf('"', open + 1);
    return close < 0 ? "?" : message.substring(open + 1, close);
  }

  /** Keys are the client's text: at most 100 characters of one go into a message. */
  private static String bounded(String text) {
    return text.length() <= 100 ? text : text.substring(0, 100) + "...";
  }
}
