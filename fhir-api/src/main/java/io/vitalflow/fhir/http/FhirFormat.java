package io.vitalflow.fhir.http;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.parser.IParser;
import java.util.List;
import java.util.Locale;
import org.hl7.fhir.r4.model.OperationOutcome.IssueType;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;

/** The two wire formats: JSON always, XML through HAPI's parser when asked for. */
enum FhirFormat {
  JSON("application/fhir+json"),
  XML("application/fhir+xml");

  static final FhirContext FHIR = FhirContext.forR4Cached();

  private final MediaType mediaType;

  FhirFormat(String mediaType) {
    this.mediaType = MediaType.parseMediaType(mediaType + ";charset=UTF-8");
  }

  MediaType mediaType() {
    return mediaType;
  }

  /** A parser of this format that keeps what the client wrote ({@link #faithful}). */
  IParser parser() {
    return faithful(this == JSON ? FHIR.newJsonParser() : FHIR.newXmlParser());
  }

  /**
   * HAPI's defaults change resources on the way through: versions are stripped from references
   * ({@code Patient/example/_history/1} becomes {@code Patient/example}) and the id of a Bundle
   * entry's resource is replaced by its {@code fullUrl} (a message Bundle's {@code urn:uuid:}
   * entries lose their ids). A server must give back what it was given, so both are off.
   */
  static IParser faithful(IParser parser) {
    parser.setStripVersionsFromReferences(false);
    parser.setOverrideResourceIdWithBundleEntryFullUrl(false);
    return parser;
  }

  /**
   * The response format: {@code _format} first, then {@code Accept}; JSON when neither asks for
   * XML.
   */
  static FhirFormat ofResponse(String formatParameter, List<MediaType> accept) {
    if (formatParameter != null && !formatParameter.isBlank()) {
      return formatParameter.toLowerCase(Locale.ROOT).contains("xml") ? XML : JSON;
    }
    boolean xml = false;
    for (MediaType type : accept) {
      String subtype = type.getSubtype().toLowerCase(Locale.ROOT);
      if (subtype.contains("json")) {
        return JSON;
      }
      xml |= subtype.contains("xml");
    }
    return xml ? XML : JSON;
  }

  /**
   * The format of a request body from its Content-Type; 415 for anything that is not FHIR JSON or
   * XML.
   */
  static FhirFormat ofBody(MediaType contentType) {
    if (contentType == null) {
      return JSON;
    }
    String subtype = contentType.getSubtype().toLowerCase(Locale.ROOT);
    if (subtype.equals("fhir+json") || subtype.equals("json") || subtype.equals("json+fhir")) {
      return JSON;
    }
    if (subtype.equals("fhir+xml") || subtype.equals("xml") || subtype.equals("xml+fhir")) {
      return XML;
    }
    throw new FhirError(
        HttpStatus.UNSUPPORTED_MEDIA_TYPE,
        IssueType.NOTSUPPORTED,
        "Content-Type "
            + contentType
            + " is not supported: send application/fhir+json or application/fhir+xml");
  }

  /** Stored resources are JSON; XML is made from them on the way out. */
  String fromJson(String json) {
    return this == JSON
        ? json
        : XML.parser().encodeResourceToString(JSON.parser().parseResource(json));
  }
}
