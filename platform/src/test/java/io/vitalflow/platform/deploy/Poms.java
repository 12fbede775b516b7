package io.vitalflow.platform.deploy;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.xml.sax.SAXException;

/**
 * The Maven pom files, read as plain XML (the tests need a few elements, not the effective pom).
 */
final class Poms {

  private Poms() {}

  static Element read(Path pom) {
    try {
      DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
      factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
      return factory.newDocumentBuilder().parse(pom.toFile()).getDocumentElement();
    } catch (ParserConfigurationException | SAXException | IOException e) {
      throw new IllegalStateException("cannot read " + pom, e);
    }
  }

  /** The root pom's modules, in order. */
  static List<String> modules(Path rootPom) {
    return children(child(read(rootPom), "modules"), "module").stream()
        .map(Node::getTextContent)
        .map(String::trim)
        .toList();
  }

  /** The profile with this id, or null. */
  static Element profile(Path pom, String id) {
    for (Element profile : children(child(read(pom), "profiles"), "profile")) {
      if (id.equals(text(profile, "id"))) {
        return profile;
      }
    }
    return null;
  }

  /** The plugin with this artifact id among {@code plugins}' children, or null. */
  static Element plugin(Element plugins, String artifactId) {
    for (Element plugin : children(plugins, "plugin")) {
      if (artifactId.equals(text(plugin, "artifactId"))) {
        return plugin;
      }
    }
    return null;
  }

  /** The element at this path of child names, or null. */
  static Element child(Element parent, String... path) {
    Element current = parent;
    for (String name : path) {
      if (current == null) {
        return null;
      }
      Element next = null;
      for (Element candidate : children(current, name)) {
        next = candidate;
        break;
      }
      current = next;
    }
    return current;
  }

  /** The trimmed text at this path, or null. */
  static String text(Element parent, String... path) {
    Element element = child(parent, path);
    return element == null ? null : element.getTextContent().trim();
  }

  static List<Element> children(Element parent, String name) {
    List<Element> result = new ArrayList<>();
    if (parent == null) {
      return result;
    }
    for (Node node = parent.getFirstChild(); node != null; node = node.getNextSibling()) {
      if (node instanceof Element element && (name == null || name.equals(element.getTagName()))) {
        result.add(element);
      }
    }
    return result;
  }
}
