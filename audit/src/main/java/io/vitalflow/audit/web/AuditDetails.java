package io.vitalflow.audit.web;

import io.vitalflow.audit.AuditRecord;
import io.vitalflow.audit.AuditSubtype;
import io.vitalflow.web.security.Caller;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.function.Supplier;
import org.springframework.http.HttpRequest;
import org.springframework.web.server.ServerWebExchange;

/**
 * What a handler adds to the one audit event of its request, beyond what the method and path show:
 * the patients and resources a body, a search result or a transaction named.
 *
 * <pre>{@code
 * AuditDetails.of(exchange).patient("p-1").entity("Observation/abc");   // in a handler
 * AuditDetails.of(request).patients(ids);                              // a ServerHttpRequest works too
 * AuditDetails.of(exchange).subtype(AuditSubtype.BATCH);                // POST /fhir was a batch
 * }</pre>
 *
 * <p>Call it any time before the response is committed (the event is recorded then); calls from
 * several threads are safe. On a request that is not audited (audit switched off, an excluded path,
 * a route outside WebFlux) {@link #of} returns a holder nobody reads, so callers never check.
 * Identifiers only: a value that is not a FHIR id (patients) or a reference {@code Type}, {@code
 * Type/id}, {@code Type/id/_history/vid} (entities) cannot name a stored resource and is left out;
 * {@code Patient/id} entities count as patients. At most {@value #MAX} of each are kept.
 */
public final class AuditDetails {

  /** The exchange (and request) attribute the holder lives under. */
  public static final String ATTRIBUTE = AuditDetails.class.getName();

  static final int MAX = 1_000;

  private final List<String> patients = new ArrayList<>();
  private final List<String> entities = new ArrayList<>();
  private AuditSubtype subtype;
  private AuditSubtype refusal;
  private int refusalStatus;
  private Caller agent;

  /** Whether an audit event is made of this holder (false: the request is not audited). */
  private final boolean recorded;

  AuditDetails() {
    this(true);
  }

  private AuditDetails(boolean recorded) {
    this.recorded = recorded;
  }

  /** The holder of this exchange's audit event. */
  public static AuditDetails of(ServerWebExchange exchange) {
    return exchange.getAttribute(ATTRIBUTE) instanceof AuditDetails details
        ? details
        : new AuditDetails(false);
  }

  /** The same for a controller that has the request only (its attributes are the exchange's). */
  public static AuditDetails of(HttpRequest request) {
    return request.getAttributes().get(ATTRIBUTE) instanceof AuditDetails details
        ? details
        : new AuditDetails(false);
  }

  /**
   * Whether anyone reads this holder: false when audit is off or the path is excluded. Work done
   * only to name patients (parsing a resource, reading a stored version) is skipped then.
   */
  public boolean recorded() {
    return recorded;
  }

  /** The patients {@code ids} names, computed only when the event is {@link #recorded}. */
  public AuditDetails patientsOf(Supplier<? extends Collection<String>> ids) {
    return recorded ? patients(ids.get()) : this;
  }

  /** A patient whose data the request read or changed. */
  public synchronized AuditDetails patient(String id) {
    if (recorded && AuditRecord.isFhirId(id) && patients.size() < MAX && !patients.contains(id)) {
      patients.add(id);
    }
    return this;
  }

  public synchronized AuditDetails patients(Collection<String> ids) {
    for (String id : ids) {
      patient(id);
    }
    return this;
  }

  /** A resource the request read or changed, e.g. {@code Observation/abc}. */
  public synchronized AuditDetails entity(String reference) {
    if (reference != null && reference.startsWith("Patient/") && reference.indexOf('/', 8) < 0) {
      return patient(reference.substring(8));
    }
    if (recorded
        && AuditRecord.isReference(reference)
        && entities.size() < MAX
        && !entities.contains(reference)) {
      entities.add(reference);
    }
    return this;
  }

  public synchronized AuditDetails entities(Collection<String> references) {
    for (String reference : references) {
      entity(reference);
    }
    return this;
  }

  /**
   * What the request turned out to be when the path cannot tell (a {@code POST /fhir} Bundle of
   * type batch, a dashboard message that unsubscribes).
   */
  public synchronized AuditDetails subtype(AuditSubtype subtype) {
    this.subtype = subtype;
    return this;
  }

  /**
   * The caller an endpoint authenticated itself, on a path the security filters leave open (a
   * dashboard event stream admitted by a single-use ticket): the event names it as the agent.
   */
  public synchronized AuditDetails agent(Caller caller) {
    this.agent = caller;
    return this;
  }

  /** The caller set by {@link #agent(Caller)}, or null. */
  synchronized Caller agent() {
    return agent;
  }

  /** The security layer refused the request (401/403): recorded as such. */
  synchronized void refused(AuditSubtype refusal, int status) {
    this.refusal = refusal;
    this.refusalStatus = status;
  }

  synchronized List<String> patients() {
    return List.copyOf(patients);
  }

  synchronized List<String> entities() {
    return List.copyOf(entities);
  }

  /** The subtype a handler set, else null. */
  synchronized AuditSubtype subtype() {
    return subtype;
  }

  /**
   * The refusal's subtype when the request was refused with {@link #refusalStatus()}, else null.
   */
  synchronized AuditSubtype refusal() {
    return refusal;
  }

  synchronized int refusalStatus() {
    return refusalStatus;
  }
}
