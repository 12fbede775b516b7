package io.vitalflow.fhir.vitals;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.parser.StrictErrorHandler;
import org.hl7.fhir.instance.model.api.IBaseResource;

/** Parses FHIR JSON strictly: anything HAPI would only warn about fails the test. */
final class StrictFhir {

  private StrictFhir() {}

  static <T extends IBaseResource> T parse(Class<T> type, String json) {
    return FhirContext.forR4Cached()
        .newJsonParser()
        .setParserErrorHandler(new StrictErrorHandler())
        .parseResource(type, json);
  }

  static String encode(IBaseResource resource) {
    return FhirContext.forR4Cached().newJsonParser().encodeResourceToString(resource);
  }
}
