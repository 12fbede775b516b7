package io.vitalflow.fhir.http;

import java.io.StringReader;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilder;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;
import javax.xml.transform.OutputKeys;
import javax.xml.transform.Transformer;
import javax.xml.transform.TransformerException;
import javax.xml.transform.TransformerFactory;
import javax.xml.transform.dom.DOMSource;
import javax.xml.transform.stream.StreamResult;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.xml.sax.InputSource;
import org.xml.sax.SAXException;

/**
 * An XML batch Bundle cut into its skeleton (the Bundle without entry resources) and each entry's
 * resource as a document of its own, so that one invalid resource fails its entry only.
 *
 * @param skeleton the Bundle with every {@code entry/resource} removed
 * @param resources per entry, its resource's XML, or null when the entry has none
 */
record XmlBatch(String skeleton, List<String> resources) {

  private static final String FHIR = "http://hl7.org/fhir";

  /**
   * The batch's parts, or null when the body is not a batch Bundle (or not well-formed XML: the
   * whole-document parse then says why).
   */
  static XmlBatch split(String body) {
    Document document;
    try {
      document = builder().parse(new InputSource(new StringReader(body)));
    } catch (SAXException | java.io.IOException e) {
      return null;
    }
    Element root = document.getDocumentElement();
    if (!isFhir(root, "Bundle") || !"batch".equals(valueOf(child(root, "type")))) {
      return null;
    }
    List<String> resources = new ArrayList<>();
    for (Node node = root.getFirstChild(); node != null; node = node.getNextSibling()) {
      if (!(node instanceof Element entry) || !isFhir(entry, "entry")) {
        continue;
      }
      Element resource = child(entry, "resource");
      Element content = resource == null ? null : firstElement(resource);
      resources.add(content == null ? null : write(content));
      if (resource != null) {
        entry.removeChild(resource);
      }
    }
    return new XmlBatch(write(root), resources);
  }

  private static DocumentBuilder builder() {
    DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
    factory.setNamespaceAware(true);
    factory.setExpandEntityReferences(false);
    factory.setXIncludeAware(false);
    try {
      // the body scan refused DTDs already; refused here too in case this is ever called alone
      factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
      factory.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
      return factory.newDocumentBuilder();
    } catch (ParserConfigurationException e) {
      throw new IllegalStateException("the JDK's XML parser supports secure processing", e);
    }
  }

  private static boolean isFhir(Element element, String name) {
    return FHIR.equals(element.getNamespaceURI()) && name.equals(element.getLocalName());
  }

  private static Element child(Element parent, String name) {
    for (Node node = parent.getFirstChild(); node != null; node = node.getNextSibling()) {
      if (node instanceof Element element && isFhir(element, name)) {
        return element;
      }
    }
    return null;
  }

  private static Element firstElement(Element parent) {
    for (Node node = parent.getFirstChild(); node != null; node = node.getNextSibling()) {
      if (node instanceof Element element) {
        return element;
      }
    }
    return null;
  }

  private static String valueOf(Element element) {
    return element == null ? null : element.getAttribute("value");
  }

  /** The element as a document of its own, with the namespace declarations it needs. */
  private static String write(Element element) {
    try {
      TransformerFactory factory = TransformerFactory.newInstance();
      factory.setAttribute(XMLConstants.ACCESS_EXTERNAL_DTD, "");
      factory.setAttribute(XMLConstants.ACCESS_EXTERNAL_STYLESHEET, "");
      Transformer transformer = factory.newTransformer();
      transformer.setOutputProperty(OutputKeys.OMIT_XML_DECLARATION, "yes");
      StringWriter out = new StringWriter();
      transformer.transform(new DOMSource(element), new StreamResult(out));
      return out.toString();
    } catch (TransformerException e) {
      throw new IllegalStateException("a parsed DOM element can always be written", e);
    }
  }
}
