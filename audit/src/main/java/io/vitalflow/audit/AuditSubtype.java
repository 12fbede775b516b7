package io.vitalflow.audit;

/**
 * {@code AuditEvent.subtype}: the interaction audited. FHIR's own (code system {@value
 * #RESTFUL_INTERACTION}) for the FHIR API, VitalFlow's ({@value #VITALFLOW}) for everything else.
 * Each has the {@link AuditAction} it implies unless a caller says otherwise.
 */
public enum AuditSubtype {
  READ("read", AuditAction.READ, true),
  VREAD("vread", AuditAction.READ, true),
  SEARCH_TYPE("search-type", AuditAction.EXECUTE, true),
  SEARCH_SYSTEM("search-system", AuditAction.EXECUTE, true),
  HISTORY_INSTANCE("history-instance", AuditAction.READ, true),
  HISTORY_TYPE("history-type", AuditAction.READ, true),
  HISTORY_SYSTEM("history-system", AuditAction.READ, true),
  /** {@code GET /fhir/metadata}: the CapabilityStatement. */
  CAPABILITIES("capabilities", AuditAction.READ, true),
  CREATE("create", AuditAction.CREATE, true),
  UPDATE("update", AuditAction.UPDATE, true),
  PATCH("patch", AuditAction.UPDATE, true),
  DELETE("delete", AuditAction.DELETE, true),
  TRANSACTION("transaction", AuditAction.EXECUTE, true),
  BATCH("batch", AuditAction.EXECUTE, true),
  OPERATION("operation", AuditAction.EXECUTE, true),
  /** One ingest request ({@code POST /api/v1/vitals}), not one per reading. */
  VITALS_INGEST("vitals-ingest", AuditAction.CREATE, false),
  /** A dashboard starts watching patients. */
  SUBSCRIBE("subscribe", AuditAction.READ, false),
  UNSUBSCRIBE("unsubscribe", AuditAction.EXECUTE, false),
  /** A user acknowledges an alert. */
  ACKNOWLEDGE("acknowledge", AuditAction.UPDATE, false),
  /** A patient moves to another ward. */
  WARD_MOVE("ward-move", AuditAction.UPDATE, false),
  /** A CDS Hooks service call. */
  CDS_HOOK("cds-hook", AuditAction.EXECUTE, false),
  /** A request refused with 401: no token, or one that is invalid. */
  AUTHENTICATION("authentication", AuditAction.EXECUTE, false),
  /** A request refused with 403: the token's scopes or context do not cover it. */
  AUTHORIZATION("authorization", AuditAction.EXECUTE, false),
  /**
   * Any other HTTP request of a service (its own API, the actuator); the action follows the method
   * (GET/HEAD R, PUT/PATCH U, DELETE D, else E).
   */
  REQUEST("request", AuditAction.EXECUTE, false);

  /** FHIR R4's code system of RESTful interactions. */
  public static final String RESTFUL_INTERACTION = "http://hl7.org/fhir/restful-interaction";

  /** VitalFlow's code system of the interactions outside the FHIR API. */
  public static final String VITALFLOW = "https://vitalflow.io/fhir/CodeSystem/audit-subtype";

  private final String code;
  private final AuditAction action;
  private final boolean restful;

  AuditSubtype(String code, AuditAction action, boolean restful) {
    this.code = code;
    this.action = action;
    this.restful = restful;
  }

  public String code() {
    return code;
  }

  /** The code system of {@link #code()}. */
  public String system() {
    return restful ? RESTFUL_INTERACTION : VITALFLOW;
  }

  /** The action this interaction is, unless the caller says otherwise. */
  public AuditAction defaultAction() {
    return action;
  }

  /**
   * The subtype of a code (of either system).
   *
   * @throws IllegalArgumentException when {@code code} is not one of them
   */
  public static AuditSubtype ofCode(String code) {
    for (AuditSubtype subtype : values()) {
      if (subtype.code.equals(code)) {
        return subtype;
      }
    }
    throw new IllegalArgumentException("unknown audit subtype code");
  }
}
