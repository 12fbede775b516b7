package io.vitalflow.ingest.vitals;

import org.springframework.http.MediaType;

/** The media types {@code POST /api/v1/vitals} takes. */
enum BodyFormat {
  JSON(MediaType.APPLICATION_JSON),
  NDJSON(MediaType.APPLICATION_NDJSON),
  FHIR_JSON(MediaType.parseMediaType(BodyFormat.FHIR_JSON_VALUE));

  static final String FHIR_JSON_VALUE = "application/fhir+json";

  private final MediaType mediaType;

  BodyFormat(MediaType mediaType) {
    this.mediaType = mediaType;
  }

  /**
   * The format of a request's content type; the request mapping has already ruled out the others.
   */
  static BodyFormat of(MediaType contentType) {
    for (BodyFormat format : values()) {
      if (format.mediaType.isCompatibleWith(contentType)) {
        return format;
      }
    }
    throw new IllegalArgumentException("Unsupported content type " + contentType);
  }
}
