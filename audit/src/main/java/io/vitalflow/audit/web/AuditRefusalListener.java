package io.vitalflow.audit.web;

import io.vitalflow.audit.AuditSubtype;
import io.vitalflow.audit.AuditTrail;
import io.vitalflow.audit.AuditUnavailableException;
import io.vitalflow.web.security.Caller;
import io.vitalflow.web.security.Callers;
import io.vitalflow.web.security.RefusalListener;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

/**
 * Records every 401 ({@code authentication}) and 403 ({@code authorization}) as one audit event,
 * with the patients and resources the path names.
 *
 * <p>A refusal inside an audited request (a handler's scope check through {@code
 * Refusals.forbidden}) only marks that request's {@link AuditDetails}: {@link AuditWebFilter}
 * records it once, as a refusal. A refusal by the security chain itself (no or a bad token, the
 * actuator without the operations scope) happens before that filter: it is recorded here when the
 * refusal is committed, with the caller of the chain for a 403 and no agent for a 401. A refusal
 * the trail cannot take still goes out (it discloses nothing); the trail counts the event as
 * failed.
 */
final class AuditRefusalListener implements RefusalListener {

  private static final Logger log = LoggerFactory.getLogger(AuditRefusalListener.class);

  private final AuditTrail trail;
  private final String service;

  AuditRefusalListener(AuditTrail trail, String service) {
    this.trail = trail;
    this.service = service;
  }

  @Override
  public void refused(ServerWebExchange exchange, int status, String detail) {
    AuditSubtype subtype = status == 401 ? AuditSubtype.AUTHENTICATION : AuditSubtype.AUTHORIZATION;
    if (exchange.getAttribute(AuditDetails.ATTRIBUTE) instanceof AuditDetails details) {
      details.refused(subtype, status);
      return;
    }
    AuditDetails details = new AuditDetails();
    details.refused(subtype, status);
    AtomicBoolean recorded = new AtomicBoolean();
    exchange
        .getResponse()
        .beforeCommit(
            () ->
                (status == 401 ? Mono.<Caller>empty() : Callers.current())
                    .map(caller -> Optional.ofNullable(AuditWebFilter.agentOf(caller)))
                    .defaultIfEmpty(Optional.empty())
                    .doOnNext(
                        agent -> {
                          if (recorded.compareAndSet(false, true)) {
                            record(exchange, details, agent.orElse(null), status);
                          }
                        })
                    .then());
  }

  private void record(ServerWebExchange exchange, AuditDetails details, Caller agent, int status) {
    try {
      trail.record(
          AuditWebFilter.build(service, exchange.getRequest(), details, agent, status, null));
    } catch (AuditUnavailableException e) {
      log.debug("Audit event of a refusal not taken: the trail is not delivering");
    } catch (IllegalArgumentException e) {
      log.warn("Audit event of a refusal could not be built: {}", e.getMessage());
    }
  }
}
