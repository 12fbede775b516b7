package io.vitalflow.fhir.command;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.cfg.JsonNodeFeature;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * Sets {@code id}, {@code meta.versionId} and {@code meta.lastUpdated} in a resource's FHIR JSON,
 * keeping {@code resourceType}, {@code id} and {@code meta} first and every other element as it
 * was. Works on the JSON tree, without a FHIR parse: the API validated the resource before it
 * became a command.
 */
public final class VersionStamp {

  /**
   * Decimals stay {@link java.math.BigDecimal}s with their scale: FHIR decimals carry their
   * precision in the text ({@code 1.00} is not {@code 1.0}, {@code 66.899999999999991} is not a
   * double).
   */
  private static final JsonMapper JSON =
      JsonMapper.builder()
          .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
          .enable(JsonNodeFeature.USE_BIG_DECIMAL_FOR_FLOATS)
          .disable(JsonNodeFeature.STRIP_TRAILING_BIGDECIMAL_ZEROES)
          .build();

  private static final DateTimeFormatter INSTANT =
      DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSXXX").withZone(ZoneOffset.UTC);

  private VersionStamp() {}

  /** FHIR instant with milliseconds, e.g. {@code 2026-11-27T13:52:29.520Z}. */
  public static String instant(Instant instant) {
    return INSTANT.format(instant);
  }

  /**
   * @throws IllegalArgumentException when the text is not a JSON object
   */
  public static String stamp(String resourceJson, String id, long versionId, Instant lastUpdated) {
    JsonNode parsed;
    try {
      parsed = JSON.readTree(resourceJson);
    } catch (JacksonException e) {
      throw new IllegalArgumentException("resource is not JSON: " + e.getOriginalMessage(), e);
    }
    if (!(parsed instanceof ObjectNode resource)) {
      throw new IllegalArgumentException("resource is not a JSON object");
    }
    ObjectNode stamped = JSON.createObjectNode();
    stamped.set("resourceType", resource.get("resourceType"));
    stamped.put("id", id);
    ObjectNode meta = JSON.createObjectNode();
    meta.put("versionId", Long.toString(versionId));
    meta.put("lastUpdated", instant(lastUpdated));
    if (resource.get("meta") instanceof ObjectNode oldMeta) {
      for (var field : oldMeta.properties()) {
        if (!field.getKey().equals("versionId") && !field.getKey().equals("lastUpdated")) {
          meta.set(field.getKey(), field.getValue());
        }
      }
    }
    stamped.set("meta", meta);
    for (var field : resource.properties()) {
      switch (field.getKey()) {
        case "resourceType", "id", "meta" -> {}
        default -> stamped.set(field.getKey(), field.getValue());
      }
    }
    return JSON.writeValueAsString(stamped);
  }
}
