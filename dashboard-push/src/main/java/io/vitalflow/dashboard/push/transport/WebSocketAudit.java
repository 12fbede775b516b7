package io.vitalflow.dashboard.push.transport;

import io.vitalflow.audit.AuditOutcome;
import io.vitalflow.audit.AuditRecord;
import io.vitalflow.audit.AuditSubtype;
import io.vitalflow.audit.AuditTrail;
import io.vitalflow.audit.AuditUnavailableException;
import io.vitalflow.dashboard.access.ClientIdentity;
import io.vitalflow.dashboard.push.DashboardService;
import io.vitalflow.web.security.Caller;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The audit events of the Netty WebSocket route, which WebFlux's {@code AuditWebFilter} never sees:
 * one per subscribe, unsubscribe and ack message (and the subscription named in the URL), and one
 * per refused handshake (401 {@code authentication}, 403 {@code authorization}). Fails closed like
 * the filter: {@link #admit()} throws {@link AuditUnavailableException} while the trail cannot
 * deliver, and the route then refuses the message (an {@code error} frame) or the handshake (503).
 * With {@code vitalflow.audit.enabled=false} the trail is disabled: nothing is recorded or refused.
 */
public final class WebSocketAudit {

  private static final Logger log = LoggerFactory.getLogger(WebSocketAudit.class);

  private final AuditTrail trail;
  private final String service;

  /**
   * @param service {@code spring.application.name} ({@code dashboard-push}), as the web filter
   */
  public WebSocketAudit(AuditTrail trail, String service) {
    this.trail = trail;
    this.service = service;
  }

  /**
   * @throws AuditUnavailableException the trail fails closed and cannot deliver now
   */
  void admit() {
    trail.admit();
  }

  /**
   * Records a client message's outcome when it was a subscribe, unsubscribe or ack: success, or 4
   * (minor failure) when refused. The message has taken effect by now, so a trail that stopped
   * delivering in between loses this event (counted as failed by the trail) rather than undo it.
   */
  void message(ClientIdentity identity, SocketAddress remote, DashboardService.Outcome outcome) {
    if (outcome.audited() == null || !trail.enabled()) {
      return;
    }
    Caller caller = identity.caller();
    boolean known = caller != Caller.UNSECURED && caller != Caller.ANONYMOUS;
    record(
        AuditRecord.builder(service, outcome.audited())
            .outcome(outcome.ok() ? AuditOutcome.SUCCESS : AuditOutcome.MINOR_FAILURE)
            .agent(known ? caller.subject() : null, known ? caller.clientId() : null)
            .source(address(remote))
            .patients(outcome.patients()));
  }

  /**
   * Records a refused handshake: 401 {@code authentication}, 403 {@code authorization}; {@code
   * requestId} is the handshake's {@code X-Request-Id} (kept when it is a plain token).
   */
  void refused(int status, SocketAddress remote, String requestId) {
    if ((status != 401 && status != 403) || !trail.enabled()) {
      return;
    }
    record(
        AuditRecord.builder(
                service, status == 401 ? AuditSubtype.AUTHENTICATION : AuditSubtype.AUTHORIZATION)
            .status(status)
            .source(address(remote))
            .requestId(AuditRecord.isToken(requestId) ? requestId : null));
  }

  private void record(AuditRecord.Builder builder) {
    try {
      trail.record(builder.build());
    } catch (AuditUnavailableException e) {
      log.debug("A WebSocket audit event was not accepted: the trail is not delivering");
    }
  }

  private static String address(SocketAddress remote) {
    if (remote instanceof InetSocketAddress inet && inet.getAddress() != null) {
      String address = inet.getAddress().getHostAddress();
      return AuditRecord.isAddress(address) ? address : null;
    }
    return null;
  }
}
