package io.vitalflow.audit;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Predicate;

/**
 * One audited access: who (subject, client, address), what (action, interaction, resources by
 * reference), which patients, the outcome, when and where (service, request id). Identifiers only:
 * never resource content, values, query values or bodies, which is why every field is checked
 * against the shape an identifier has; a value of another shape is refused with an {@link
 * IllegalArgumentException} that does not quote it. {@link AuditEvents#toFhir} makes the FHIR
 * {@code AuditEvent} of it.
 *
 * @param id the event's id (the {@code AuditEvent} id; the sink stores each id once)
 * @param recorded when it happened, to the millisecond (FHIR {@code instant} precision)
 * @param service the service that observed it, e.g. {@code fhir-api}
 * @param action C/R/U/D/E
 * @param subtype the interaction
 * @param status the HTTP status answered, 0 when there was none (a WebSocket message)
 * @param outcome 0, 4, 8 or 12; from the status unless given
 * @param agentSubject the token's subject (a user, or the client itself with client credentials);
 *     null when unauthenticated. A client acting on its own is its own subject: given only a client
 *     id, the subject is that id
 * @param clientId the OAuth client; null when unauthenticated
 * @param sourceAddress the client's IP address, null when unknown
 * @param patients ids of the patients whose data the request touched, in the order given (the first
 *     is the Kafka key); {@code Patient/id} references in {@code entities} are moved here
 * @param entities other resources by reference: {@code Type}, {@code Type/id} or {@code
 *     Type/id/_history/vid}
 * @param requestId the request id ({@code X-Request-Id}), null when none
 */
public record AuditRecord(
    UUID id,
    Instant recorded,
    String service,
    AuditAction action,
    AuditSubtype subtype,
    int status,
    AuditOutcome outcome,
    String agentSubject,
    String clientId,
    String sourceAddress,
    Set<String> patients,
    List<String> entities,
    String requestId) {

  /*
   * The shapes a record takes are checked by hand, not with regular expressions: every request's
   * record checks several, and a loop over the characters costs a fraction of a matcher. FHIR ids
   * (isFhirId): 1-64 of A-Z a-z 0-9 - . ; subjects, client ids and request ids (isToken): 1-256
   * printable ASCII characters, no spaces; services (isService): [a-z0-9][a-z0-9-]{0,62};
   * addresses (isAddress): 1-64 of 0-9 A-Z a-z : . % - [ ].
   */

  private static final int MAX_ITEMS = 1_000;

  public AuditRecord {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(recorded, "recorded");
    Objects.requireNonNull(action, "action");
    Objects.requireNonNull(subtype, "subtype");
    Objects.requireNonNull(outcome, "outcome");
    recorded = recorded.truncatedTo(ChronoUnit.MILLIS);
    check(
        service, AuditRecord::isService, "service must be a lower-case name like fhir-api", false);
    if (status != 0 && (status < 100 || status > 599)) {
      throw new IllegalArgumentException("status must be 0 (none) or an HTTP status 100-599");
    }
    check(
        agentSubject,
        AuditRecord::isToken,
        "agent subject must be 1-256 printable characters",
        true);
    check(clientId, AuditRecord::isToken, "client id must be 1-256 printable characters", true);
    check(sourceAddress, AuditRecord::isAddress, "source address must be an IP address", true);
    check(requestId, AuditRecord::isToken, "request id must be 1-256 printable characters", true);
    if (agentSubject == null) {
      agentSubject = clientId;
    }
    Set<String> allPatients = new LinkedHashSet<>();
    for (String patient : patients) {
      check(
          patient,
          AuditRecord::isFhirId,
          "a patient id must be a FHIR id (1-64 of A-Z a-z 0-9 - .)",
          false);
      allPatients.add(patient);
    }
    List<String> others = new ArrayList<>();
    for (String entity : entities) {
      check(
          entity,
          AuditRecord::isReference,
          "an entity must be a reference Type, Type/id or Type/id/_history/vid",
          false);
      if (entity.startsWith("Patient/") && entity.indexOf('/', 8) < 0) {
        allPatients.add(entity.substring(8));
      } else if (!others.contains(entity)) {
        others.add(entity);
      }
    }
    if (allPatients.size() > MAX_ITEMS || others.size() > MAX_ITEMS) {
      throw new IllegalArgumentException("at most " + MAX_ITEMS + " patients and entities");
    }
    patients = Collections.unmodifiableSet(allPatients);
    entities = List.copyOf(others);
  }

  /** A record of {@code subtype} observed by {@code service}, with its default action. */
  public static Builder builder(String service, AuditSubtype subtype) {
    return new Builder(service, subtype);
  }

  /** The Kafka key: the first patient, else the agent, else the service. */
  public String key() {
    if (!patients.isEmpty()) {
      return patients.iterator().next();
    }
    return agentSubject != null ? agentSubject : service;
  }

  /**
   * A new event id: an RFC 9562 version 7 UUID, the milliseconds of {@code epochMillis} then 74
   * random bits. Unique like a random UUID (74 bits per millisecond), but made without {@code
   * SecureRandom} (a lock shared by every request thread; an event id is no secret), and ordered by
   * time, so the sink's inserts into the {@code (id, recorded)} primary key land on the index's
   * newest pages instead of random ones.
   */
  public static UUID timeOrderedId(long epochMillis) {
    ThreadLocalRandom random = ThreadLocalRandom.current();
    long high = (epochMillis << 16) | 0x7000L | (random.nextLong() & 0x0FFFL);
    long low = (random.nextLong() & 0x3FFF_FFFF_FFFF_FFFFL) | 0x8000_0000_0000_0000L;
    return new UUID(high, low);
  }

  /** Whether {@code id} is a FHIR id (the only patient ids a record takes). */
  public static boolean isFhirId(String id) {
    if (id == null || id.isEmpty() || id.length() > 64) {
      return false;
    }
    for (int i = 0; i < id.length(); i++) {
      if (!isIdChar(id.charAt(i))) {
        return false;
      }
    }
    return true;
  }

  /**
   * Whether {@code reference} is an entity a record takes: {@code Type}, {@code Type/id} or {@code
   * Type/id/_history/vid}.
   */
  public static boolean isReference(String reference) {
    if (reference == null) {
      return false;
    }
    // Type: an upper-case letter, then 1-63 letters
    int n = reference.length();
    int i = 1;
    if (n < 2 || reference.charAt(0) < 'A' || reference.charAt(0) > 'Z') {
      return false;
    }
    while (i < n && isLetter(reference.charAt(i))) {
      i++;
    }
    if (i > 64 || i < 2) {
      return false;
    }
    if (i == n) {
      return true;
    }
    // /id, then optionally /_history/vid
    int id = idEnd(reference, i);
    if (id < 0) {
      return false;
    }
    if (id == n) {
      return true;
    }
    if (!reference.startsWith("/_history", id)) {
      return false;
    }
    int version = idEnd(reference, id + 9);
    return version == n;
  }

  private static boolean isLetter(char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
  }

  /** After a {@code /} at {@code slash}: the end of 1-64 id characters, or -1. */
  private static int idEnd(String text, int slash) {
    if (slash >= text.length() || text.charAt(slash) != '/') {
      return -1;
    }
    int i = slash + 1;
    while (i < text.length() && i - slash <= 64 && isIdChar(text.charAt(i))) {
      i++;
    }
    return i == slash + 1 ? -1 : i;
  }

  private static boolean isIdChar(char c) {
    return isLetter(c) || (c >= '0' && c <= '9') || c == '-' || c == '.';
  }

  /**
   * Whether {@code value} is a subject, client id or request id a record takes: 1-256 printable
   * ASCII characters without spaces.
   */
  public static boolean isToken(String value) {
    if (value == null || value.isEmpty() || value.length() > 256) {
      return false;
    }
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (c < 0x21 || c > 0x7e) {
        return false;
      }
    }
    return true;
  }

  /** Whether {@code address} is a source address a record takes (an IP address). */
  public static boolean isAddress(String address) {
    if (address == null || address.isEmpty() || address.length() > 64) {
      return false;
    }
    for (int i = 0; i < address.length(); i++) {
      char c = address.charAt(i);
      if (!(isLetter(c) || (c >= '0' && c <= '9') || ":.%-[]".indexOf(c) >= 0)) {
        return false;
      }
    }
    return true;
  }

  /** Whether {@code service} is a service name a record takes, e.g. {@code fhir-api}. */
  public static boolean isService(String service) {
    if (service == null || service.isEmpty() || service.length() > 63) {
      return false;
    }
    for (int i = 0; i < service.length(); i++) {
      char c = service.charAt(i);
      boolean lowerOrDigit = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
      if (!lowerOrDigit && (i == 0 || c != '-')) {
        return false;
      }
    }
    return true;
  }

  private static void check(
      String value, Predicate<String> shape, String message, boolean nullable) {
    if (value == null) {
      if (nullable) {
        return;
      }
      throw new IllegalArgumentException(message);
    }
    if (!shape.test(value)) {
      throw new IllegalArgumentException(message);
    }
  }

  /** Builds an {@link AuditRecord}; not thread-safe. */
  public static final class Builder {

    private final String service;
    private final AuditSubtype subtype;
    private UUID id;
    private Instant recorded;
    private AuditAction action;
    private int status;
    private AuditOutcome outcome;
    private String agentSubject;
    private String clientId;
    private String sourceAddress;
    private final List<String> patients = new ArrayList<>();
    private final List<String> entities = new ArrayList<>();
    private String requestId;

    private Builder(String service, AuditSubtype subtype) {
      this.service = service;
      this.subtype = Objects.requireNonNull(subtype, "subtype");
    }

    /** Default: a new {@link #timeOrderedId time-ordered} UUID of the recorded time. */
    public Builder id(UUID id) {
      this.id = id;
      return this;
    }

    /** Default: now, when {@link #build()} is called. */
    public Builder recorded(Instant recorded) {
      this.recorded = recorded;
      return this;
    }

    /** Default: the subtype's {@link AuditSubtype#defaultAction()}. */
    public Builder action(AuditAction action) {
      this.action = action;
      return this;
    }

    /** The HTTP status answered; sets the outcome too unless {@link #outcome} is given. */
    public Builder status(int status) {
      this.status = status;
      return this;
    }

    /** Default: from the status; success when there is none. */
    public Builder outcome(AuditOutcome outcome) {
      this.outcome = outcome;
      return this;
    }

    /** The caller; both null when unauthenticated. */
    public Builder agent(String subject, String clientId) {
      this.agentSubject = subject;
      this.clientId = clientId;
      return this;
    }

    /** The client's IP address. */
    public Builder source(String address) {
      this.sourceAddress = address;
      return this;
    }

    public Builder patient(String id) {
      patients.add(id);
      return this;
    }

    public Builder patients(Collection<String> ids) {
      patients.addAll(ids);
      return this;
    }

    /** A resource by reference ({@code Type}, {@code Type/id}, {@code Type/id/_history/vid}). */
    public Builder entity(String reference) {
      entities.add(reference);
      return this;
    }

    public Builder entities(Collection<String> references) {
      entities.addAll(references);
      return this;
    }

    public Builder requestId(String requestId) {
      this.requestId = requestId;
      return this;
    }

    /**
     * @throws IllegalArgumentException when a field is not of the shape of an identifier (the
     *     message names the field, never the value)
     */
    public AuditRecord build() {
      AuditOutcome resolved =
          outcome != null
              ? outcome
              : status == 0 ? AuditOutcome.SUCCESS : AuditOutcome.ofStatus(status);
      Instant when = recorded == null ? Instant.now() : recorded;
      return new AuditRecord(
          id == null ? timeOrderedId(when.toEpochMilli()) : id,
          when,
          service,
          action == null ? subtype.defaultAction() : action,
          subtype,
          status,
          resolved,
          agentSubject,
          clientId,
          sourceAddress,
          new LinkedHashSet<>(patients),
          entities,
          requestId);
    }
  }
}
