package io.vitalflow.loadgen.report;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import javax.xml.parsers.DocumentBuilder;
import javax.xml.parsers.DocumentBuilderFactory;
import org.w3c.dom.Attr;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NamedNodeMap;
import org.w3c.dom.NodeList;

/** Parses the HTML reports as XML and checks what every page must satisfy. */
final class Pages {

  private Pages() {}

  /**
   * The page parsed by the JDK's standard XML parser; fails the test when it is not well-formed.
   */
  static Document parse(String html) {
    try {
      DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
      factory.setNamespaceAware(true);
      factory.setExpandEntityReferences(false);
      factory.setFeature("http://apache.org/xml/features/nonvalidating/load-external-dtd", false);
      DocumentBuilder builder = factory.newDocumentBuilder();
      builder.setErrorHandler(null);
      return builder.parse(new ByteArrayInputStream(html.getBytes(StandardCharsets.UTF_8)));
    } catch (Exception e) {
      throw new AssertionError("not well-formed: " + e.getMessage() + "\n" + html, e);
    }
  }

  static List<Element> elements(Document document, String tag) {
    return elements(document.getDocumentElement(), tag);
  }

  static List<Element> elements(Element root, String tag) {
    NodeList nodes = root.getElementsByTagName(tag);
    List<Element> elements = new ArrayList<>();
    for (int i = 0; i < nodes.getLength(); i++) {
      elements.add((Element) nodes.item(i));
    }
    return elements;
  }

  /** Every attribute of every element, as {@code name=value}. */
  static List<Attr> attributes(Document document) {
    List<Attr> attributes = new ArrayList<>();
    for (Element element : elements(document, "*")) {
      NamedNodeMap map = element.getAttributes();
      for (int i = 0; i < map.getLength(); i++) {
        attributes.add((Attr) map.item(i));
      }
    }
    return attributes;
  }

  /**
   * No element loads anything: no script, link, image, frame or object, and no URL in any src or
   * href.
   */
  static void assertSelfContained(Document document) {
    for (String tag :
        List.of("script", "link", "img", "iframe", "object", "embed", "image", "use")) {
      assertThat(elements(document, tag)).as(tag).isEmpty();
    }
    assertThat(attributes(document))
        .filteredOn(
            attribute ->
                attribute.getLocalName().equals("src") || attribute.getLocalName().equals("href"))
        .allSatisfy(
            attribute -> assertThat(attribute.getValue()).doesNotContain("http://", "https://"));
    assertThat(elements(document, "style"))
        .allSatisfy(style -> assertThat(style.getTextContent()).doesNotContain("url(", "@import"));
  }

  /**
   * Every {@code <svg>} has a view box, and every coordinate of its polylines, paths, lines,
   * circles, rects and texts is a finite number inside it.
   */
  static void assertChartsInsideViewBox(Document document) {
    for (Element svg : elements(document, "svg")) {
      String[] box = svg.getAttribute("viewBox").split(" ");
      assertThat(box).hasSize(4);
      double width = Double.parseDouble(box[2]);
      double height = Double.parseDouble(box[3]);
      for (Element polyline : elements(svg, "polyline")) {
        for (String point : polyline.getAttribute("points").split(" ")) {
          String[] xy = point.split(",");
          assertInside(xy[0], width);
          assertInside(xy[1], height);
        }
      }
      assertThat(elements(svg, "path"))
          .allSatisfy(path -> assertThat(path.getAttribute("d")).matches("[MLHVZmlhvz0-9., -]*"));
      assertAttributesInside(svg, "line", width, height, "x1", "x2", "y1", "y2");
      assertAttributesInside(svg, "circle", width, height, "cx", "cy");
      assertAttributesInside(svg, "rect", width, height, "x", "y");
      assertAttributesInside(svg, "text", width, height, "x", "y");
    }
  }

  private static void assertAttributesInside(
      Element svg, String tag, double width, double height, String... names) {
    for (Element element : elements(svg, tag)) {
      for (String name : names) {
        assertInside(
            element.getAttribute(name), name.startsWith("x") || name.equals("cx") ? width : height);
      }
    }
  }

  private static void assertInside(String coordinate, double limit) {
    double value = Double.parseDouble(coordinate);
    assertThat(value).as(coordinate).isFinite().isBetween(0.0, limit);
  }
}
