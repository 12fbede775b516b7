package io.vitalflow.fhir.http;

import ca.uhn.fhir.context.BaseRuntimeChildDefinition;
import ca.uhn.fhir.context.RuntimeResourceDefinition;
import ca.uhn.fhir.parser.DataFormatException;
import ca.uhn.fhir.parser.ErrorHandlerAdapter;
import ca.uhn.fhir.parser.IParser;
import ca.uhn.fhir.parser.json.BaseJsonLikeValue;
import io.vitalflow.fhir.FhirProperties;
import io.vitalflow.fhir.input.BodyScan;
import io.vitalflow.fhir.input.ExtensionOnlyItems;
import io.vitalflow.fhir.input.InputRejected;
import io.vitalflow.fhir.input.ResourceChecks;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.hl7.fhir.instance.model.api.IBase;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.OperationOutcome.IssueType;
import org.hl7.fhir.r4.model.Resource;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Parses a request body into a resource, strictly: a body that is not JSON/XML, has duplicate JSON
 * keys, nests too deep or has a DTD is a 400 (checked by a streaming pre-scan before HAPI parses);
 * a resource with unknown elements, values of the wrong type, missing required top-level elements,
 * values longer than the limit, too many searchable values or narratives against FHIR's XHTML rules
 * is a 422, with every problem listed.
 */
@Component
final class ResourceParser {

  private static final JsonMapper TREE = JsonMapper.builder().build();

  private final BodyScan scan;
  private final ResourceChecks checks;

  ResourceParser(FhirProperties properties) {
    this.scan = new BodyScan(properties.maxDepth());
    this.checks = new ResourceChecks(properties.maxStringLength(), properties.maxIndexEntries());
  }

  IBaseResource parse(String body, FhirFormat format, String expectedType) {
    if (body == null || body.isBlank()) {
      throw FhirError.badRequest(
          "The request has no body: a "
              + (expectedType == null ? "resource" : expectedType)
              + " is expected");
    }
    try {
      if (format == FhirFormat.JSON) {
        scan.json(body);
      } else {
        scan.xml(body);
      }
    } catch (InputRejected e) {
      throw error(e);
    }
    if (format == FhirFormat.JSON) {
      body = ExtensionOnlyItems.complete(body);
    }
    Problems problems = new Problems();
    IParser parser = format.parser().setParserErrorHandler(problems);
    IBaseResource resource;
    try {
      resource = parser.parseResource(body);
    } catch (DataFormatException e) {
      throw FhirError.badRequest("The body is not a parseable FHIR resource: " + e.getMessage());
    }
    String type = FhirFormat.FHIR.getResourceType(resource);
    if (expectedType != null && !expectedType.equals(type)) {
      throw FhirError.badRequest("The body is a " + type + " but the URL is for " + expectedType);
    }
    problems.found.addAll(missingRequired(resource));
    if (!problems.found.isEmpty()) {
      throw new FhirError(HttpStatus.UNPROCESSABLE_CONTENT, IssueType.INVALID, problems.found);
    }
    try {
      checks.check(resource);
    } catch (InputRejected e) {
      throw error(e);
    }
    return resource;
  }

  /**
   * A Bundle and the entries whose resource was refused: for a {@code batch} (JSON or XML) each
   * entry's resource is parsed and checked on its own (a batch processes its entries independently,
   * so one invalid resource is that entry's 400/422, not the whole Bundle's); every other Bundle is
   * parsed as a whole, as {@link #parse}.
   *
   * @param invalidEntries entry index to the error of its resource; the entry has no resource
   */
  record ParsedBundle(Bundle bundle, Map<Integer, FhirError> invalidEntries) {}

  ParsedBundle parseBundle(String body, FhirFormat format) {
    if (body == null || body.isBlank()) {
      return new ParsedBundle((Bundle) parse(body, format, "Bundle"), Map.of());
    }
    if (format == FhirFormat.XML) {
      return parseXmlBundle(body);
    }
    try {
      scan.json(body);
    } catch (InputRejected e) {
      throw error(e);
    }
    JsonNode tree = TREE.readTree(body);
    if (!(tree instanceof ObjectNode root)
        || !"batch".equals(root.path("type").asString(null))
        || !(root.get("entry") instanceof ArrayNode entries)) {
      return new ParsedBundle((Bundle) parse(body, format, "Bundle"), Map.of());
    }
    List<String> resources = new ArrayList<>();
    for (JsonNode entry : entries) {
      JsonNode resource = entry instanceof ObjectNode object ? object.remove("resource") : null;
      resources.add(resource == null ? null : TREE.writeValueAsString(resource));
    }
    Bundle bundle = (Bundle) parse(TREE.writeValueAsString(root), format, "Bundle");
    return withEntryResources(bundle, resources, format);
  }

  /**
   * {@link #parseBundle} for XML: a batch's entry resources are cut out of the document (a DOM,
   * after the scan refused DTDs and entities) and parsed one by one, like JSON's.
   */
  private ParsedBundle parseXmlBundle(String body) {
    try {
      scan.xml(body);
    } catch (InputRejected e) {
      throw error(e);
    }
    XmlBatch batch = XmlBatch.split(body);
    if (batch == null) {
      return new ParsedBundle((Bundle) parse(body, FhirFormat.XML, "Bundle"), Map.of());
    }
    Bundle bundle = (Bundle) parse(batch.skeleton(), FhirFormat.XML, "Bundle");
    return withEntryResources(bundle, batch.resources(), FhirFormat.XML);
  }

  /**
   * Parses each entry's resource on its own into {@code bundle} (null: the entry has none); one
   * that is refused becomes that entry's error.
   */
  private ParsedBundle withEntryResources(
      Bundle bundle, List<String> resources, FhirFormat format) {
    Map<Integer, FhirError> invalid = new HashMap<>();
    for (int i = 0; i < resources.size() && i < bundle.getEntry().size(); i++) {
      if (resources.get(i) == null) {
        continue;
      }
      try {
        bundle.getEntry().get(i).setResource((Resource) parse(resources.get(i), format, null));
      } catch (FhirError e) {
        invalid.put(i, e);
      }
    }
    return new ParsedBundle(bundle, invalid);
  }

  private static FhirError error(InputRejected rejected) {
    return rejected.kind() == InputRejected.Kind.MALFORMED
        ? new FhirError(HttpStatus.BAD_REQUEST, IssueType.STRUCTURE, rejected.problems())
        : new FhirError(HttpStatus.UNPROCESSABLE_CONTENT, IssueType.INVALID, rejected.problems());
  }

  /** Top-level elements with a minimum cardinality of one that are absent. */
  static List<String> missingRequired(IBaseResource resource) {
    List<String> missing = new ArrayList<>();
    RuntimeResourceDefinition definition = FhirFormat.FHIR.getResourceDefinition(resource);
    for (BaseRuntimeChildDefinition child : definition.getChildren()) {
      if (child.getMin() > 0
          && child.getAccessor().getValues(resource).stream().allMatch(IBase::isEmpty)) {
        missing.add(
            definition.getName() + "." + child.getElementName() + " is required but missing");
      }
    }
    return missing;
  }

  /** Collects every parse problem instead of stopping at the first. */
  private static final class Problems extends ErrorHandlerAdapter {

    private final List<String> found = new ArrayList<>();

    @Override
    public void unknownElement(IParseLocation location, String name) {
      found.add("Unknown element '" + name + "' at " + where(location));
    }

    @Override
    public void unknownAttribute(IParseLocation location, String name) {
      found.add("Unknown attribute '" + name + "' at " + where(location));
    }

    @Override
    public void invalidValue(IParseLocation location, String value, String error) {
      found.add("Invalid value at " + where(location) + ": " + error);
    }

    @Override
    public void incorrectJsonType(
        IParseLocation location,
        String name,
        BaseJsonLikeValue.ValueType expected,
        BaseJsonLikeValue.ScalarType expectedScalar,
        BaseJsonLikeValue.ValueType found,
        BaseJsonLikeValue.ScalarType foundScalar) {
      this.found.add(
          "Element '"
              + name
              + "' at "
              + where(location)
              + " should be "
              + describe(expected, expectedScalar)
              + " but is "
              + describe(found, foundScalar));
    }

    @Override
    public void unexpectedRepeatingElement(IParseLocation location, String name) {
      found.add("Element '" + name + "' at " + where(location) + " must not repeat");
    }

    @Override
    public void extensionContainsValueAndNestedExtensions(IParseLocation location) {
      found.add("An extension at " + where(location) + " has both a value and nested extensions");
    }

    private static String where(IParseLocation location) {
      return location == null || location.getParentElementName() == null
          ? "the resource"
          : "'" + location.getParentElementName() + "'";
    }

    private static String describe(
        BaseJsonLikeValue.ValueType type, BaseJsonLikeValue.ScalarType scalar) {
      return type == null
          ? "something else"
          : scalar == null
              ? type.name().toLowerCase(java.util.Locale.ROOT)
              : scalar.name().toLowerCase(java.util.Locale.ROOT);
    }
  }
}
