package io.vitalflow.fhir.search;

import java.util.Locale;
import java.util.Objects;

/**
 * A search parameter the server supports for one resource type, for the CapabilityStatement.
 *
 * @param name e.g. {@code birthdate}
 * @param type how its values are matched
 * @param documentation a short description for clients
 */
public record SearchParameterInfo(String name, Type type, String documentation) {

  public SearchParameterInfo {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(documentation, "documentation");
  }

  /** The FHIR search parameter types this server indexes. */
  public enum Type {
    TOKEN,
    STRING,
    DATE,
    REFERENCE,
    NUMBER,
    QUANTITY,
    URI,
    COMPOSITE;

    /**
     * The FHIR code, e.g. {@code token}, as in {@code
     * CapabilityStatement.rest.resource.searchParam.type}.
     */
    public String code() {
      return name().toLowerCase(Locale.ROOT);
    }
  }
}
