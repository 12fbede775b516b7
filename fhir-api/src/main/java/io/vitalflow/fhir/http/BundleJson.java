package io.vitalflow.fhir.http;

import java.io.StringWriter;
import tools.jackson.core.JsonGenerator;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.core.ObjectReadContext;
import tools.jackson.core.ObjectWriteContext;
import tools.jackson.core.json.JsonFactory;

/**
 * Writes Bundle JSON around stored resource JSON without parsing it into FHIR objects: the stored
 * text is embedded as is. One instance per bundle; not thread-safe.
 */
final class BundleJson {

  private static final JsonFactory JSON = new JsonFactory();

  private final StringWriter out = new StringWriter(4096);
  private final JsonGenerator json = JSON.createGenerator(ObjectWriteContext.empty(), out);
  private boolean entries;

  BundleJson(String type, Long total) {
    json.writeStartObject();
    json.writeStringProperty("resourceType", "Bundle");
    json.writeStringProperty("type", type);
    if (total != null) {
      json.writeNumberProperty("total", total);
    }
  }

  BundleJson link(String relation, String url) {
    if (entries) {
      throw new IllegalStateException("links come before entries");
    }
    if (!linksOpen) {
      json.writeArrayPropertyStart("link");
      linksOpen = true;
    }
    json.writeStartObject();
    json.writeStringProperty("relation", relation);
    json.writeStringProperty("url", url);
    json.writeEndObject();
    return this;
  }

  private boolean linksOpen;

  /** An entry; any argument may be null and is then left out. */
  BundleJson entry(
      String fullUrl, String resourceJson, String searchMode, Request request, Response response) {
    if (linksOpen) {
      json.writeEndArray();
      linksOpen = false;
    }
    if (!entries) {
      json.writeArrayPropertyStart("entry");
      entries = true;
    }
    json.writeStartObject();
    if (fullUrl != null) {
      json.writeStringProperty("fullUrl", fullUrl);
    }
    if (resourceJson != null) {
      json.writeName("resource");
      json.writeRawValue(resourceJson);
    }
    if (searchMode != null) {
      json.writeObjectPropertyStart("search");
      json.writeStringProperty("mode", searchMode);
      json.writeEndObject();
    }
    if (request != null) {
      json.writeObjectPropertyStart("request");
      json.writeStringProperty("method", request.method());
      json.writeStringProperty("url", request.url());
      json.writeEndObject();
    }
    if (response != null) {
      json.writeObjectPropertyStart("response");
      json.writeStringProperty("status", response.status());
      if (response.location() != null) {
        json.writeStringProperty("location", response.location());
      }
      if (response.etag() != null) {
        json.writeStringProperty("etag", response.etag());
      }
      if (response.lastModified() != null) {
        json.writeStringProperty("lastModified", response.lastModified());
      }
      if (response.outcomeJson() != null) {
        json.writeName("outcome");
        json.writeRawValue(response.outcomeJson());
      }
      json.writeEndObject();
    }
    json.writeEndObject();
    return this;
  }

  String finish() {
    if (linksOpen) {
      json.writeEndArray();
    }
    if (entries) {
      json.writeEndArray();
    }
    json.writeEndObject();
    json.close();
    return out.toString();
  }

  record Request(String method, String url) {}

  record Response(
      String status, String location, String etag, String lastModified, String outcomeJson) {}

  /**
   * The top-level {@code resourceType} and {@code id} of resource JSON, read without building a
   * tree.
   */
  static String[] typeAndId(String resourceJson) {
    String type = null;
    String id = null;
    try (JsonParser parser = JSON.createParser(ObjectReadContext.empty(), resourceJson)) {
      if (parser.nextToken() != JsonToken.START_OBJECT) {
        return new String[] {null, null};
      }
      while (parser.nextToken() == JsonToken.PROPERTY_NAME && (type == null || id == null)) {
        String name = parser.currentName();
        JsonToken value = parser.nextToken();
        if (value == JsonToken.VALUE_STRING && name.equals("resourceType")) {
          type = parser.getString();
        } else if (value == JsonToken.VALUE_STRING && name.equals("id")) {
          id = parser.getString();
        } else {
          parser.skipChildren();
        }
      }
    }
    return new String[] {type, id};
  }
}
