package io.vitalflow.audit;

/** FHIR R4 {@code AuditEvent.action}: what kind of thing the agent did. */
public enum AuditAction {
  CREATE("C"),
  READ("R"),
  UPDATE("U"),
  DELETE("D"),
  /** Execute: searches, operations, transactions, calls (what BALP uses for queries too). */
  EXECUTE("E");

  private final String code;

  AuditAction(String code) {
    this.code = code;
  }

  /** The FHIR code: C, R, U, D or E. */
  public String code() {
    return code;
  }

  /**
   * The action of a FHIR code.
   *
   * @throws IllegalArgumentException naming the codes when {@code code} is none of them
   */
  public static AuditAction ofCode(String code) {
    for (AuditAction action : values()) {
      if (action.code.equals(code)) {
        return action;
      }
    }
    throw new IllegalArgumentException("action must be one of C, R, U, D, E");
  }
}
