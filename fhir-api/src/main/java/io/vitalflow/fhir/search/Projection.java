package io.vitalflow.fhir.search;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.parser.IParser;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.hl7.fhir.instance.model.api.IBaseResource;

/**
 * {@code _summary} ({@code true}, {@code text}, {@code data}, {@code count}, {@code false}) and
 * {@code _elements} of a search: which parts of each match are returned. A subsetted resource is
 * tagged {@code SUBSETTED} (R4 3.1.1.5.9); {@code count} returns no resources and the total. HAPI's
 * JSON encoder does the subsetting (summary mode, suppressed narratives, encode elements).
 */
public final class Projection {

  static final String SUBSETTED_SYSTEM =
      "http://terminology.hl7.org/CodeSystem/v3-ObservationValue";
  private static final Pattern ELEMENT = Pattern.compile("[a-z][A-Za-z0-9]{0,63}");
  private static final FhirContext FHIR = FhirContext.forR4Cached();
  private static final Projection NONE = new Projection(null, Set.of());

  private final String summary;
  private final Set<String> elements;

  private Projection(String summary, Set<String> elements) {
    this.summary = summary;
    this.elements = elements;
  }

  /**
   * @throws InvalidSearchException for an unknown {@code _summary} value or a malformed element
   *     name
   */
  public static Projection of(Map<String, List<String>> parameters) {
    List<String> summaries = parameters.getOrDefault("_summary", List.of());
    List<String> elementValues = parameters.getOrDefault("_elements", List.of());
    if (summaries.isEmpty() && elementValues.isEmpty()) {
      return NONE;
    }
    String summary = null;
    if (!summaries.isEmpty()) {
      summary = summaries.get(0) == null ? "" : summaries.get(0).toLowerCase(Locale.ROOT);
      if (!Set.of("true", "text", "data", "count", "false").contains(summary)) {
        throw new InvalidSearchException(
            "'_summary=" + summaries.get(0) + "': expected true, text, data, count or false");
      }
    }
    Set<String> elements = new LinkedHashSet<>();
    for (String value : elementValues) {
      for (String element : (value == null ? "" : value).split(",")) {
        String trimmed = element.trim();
        if (trimmed.isEmpty()) {
          continue;
        }
        if (!ELEMENT.matcher(trimmed).matches()) {
          throw new InvalidSearchException(
              "'_elements="
                  + value
                  + "': expected comma-separated element names such as name,gender");
        }
        elements.add(trimmed);
      }
    }
    return new Projection(summary, Set.copyOf(elements));
  }

  /** {@code _summary=count}: only the total. */
  public boolean countOnly() {
    return "count".equals(summary);
  }

  /** Whether matches are returned as stored. */
  boolean whole() {
    return (summary == null || summary.equals("false")) && elements.isEmpty();
  }

  /** The match as the client asked for it. */
  public String apply(String json) {
    if (whole() || json == null) {
      return json;
    }
    IParser parser = FHIR.newJsonParser();
    IBaseResource resource = parser.parseResource(json);
    String type = resource.fhirType();
    IParser encoder = FHIR.newJsonParser();
    if (summary != null && summary.equals("true")) {
      encoder.setSummaryMode(true);
    } else if (summary != null && summary.equals("data")) {
      encoder.setSuppressNarratives(true);
    } else if (summary != null && summary.equals("text")) {
      encoder.setEncodeElements(Set.of(type + ".text", type + ".id", type + ".meta"));
    } else if (!elements.isEmpty()) {
      Set<String> encode = new LinkedHashSet<>();
      encode.add(type + ".id");
      encode.add(type + ".meta");
      for (String element : elements) {
        encode.add(type + "." + element);
      }
      encoder.setEncodeElements(encode);
    }
    resource.getMeta().addTag().setSystem(SUBSETTED_SYSTEM).setCode("SUBSETTED");
    return encoder.encodeResourceToString(resource);
  }
}
