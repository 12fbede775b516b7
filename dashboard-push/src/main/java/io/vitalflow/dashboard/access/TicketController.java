package io.vitalflow.dashboard.access;

import io.vitalflow.web.security.CallerAuthentication;
import java.nio.charset.StandardCharsets;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

/**
 * {@code POST /api/v1/dashboard/tickets} with {@code Authorization: Bearer <token>}: {@code
 * {"ticket":"…","expiresIn":30}}, a single-use ticket for {@code ?ticket=} of the WebSocket or
 * event stream URL (see {@link Tickets}). The token must read Observation (else 403); no token →
 * 401 (the security filters). {@code Cache-Control: no-store}.
 */
@RestController
final class TicketController {

  static final String PATH = "/api/v1/dashboard/tickets";

  private final Admissions admissions;
  private final RefusedResponses refusals;

  TicketController(Admissions admissions, RefusedResponses refusals) {
    this.admissions = admissions;
    this.refusals = refusals;
  }

  @PostMapping(PATH)
  Mono<Void> ticket(ServerWebExchange exchange) {
    return exchange
        .getPrincipal()
        .filter(CallerAuthentication.class::isInstance)
        .cast(CallerAuthentication.class)
        .flatMap(admissions::admission)
        .defaultIfEmpty(Admission.UNSECURED)
        .flatMap(admission -> issue(exchange, admission))
        .onErrorResume(Refused.class, refused -> refusals.write(exchange, refused));
  }

  private Mono<Void> issue(ServerWebExchange exchange, Admission admission) {
    if (admissions.enabled() && admission == Admission.UNSECURED) {
      return Mono.error(Refused.missing()); // not reached: the filters demand a token here
    }
    String ticket = admissions.tickets().issue(admission.identity(), admission.expiresAtMillis());
    if (ticket == null) {
      return Mono.error(
          Refused.unavailable("Too many connection tickets outstanding; try again in a moment."));
    }
    long seconds = admissions.tickets().lifetime().toSeconds();
    byte[] body =
        ("{\"ticket\":\"" + ticket + "\",\"expiresIn\":" + seconds + "}")
            .getBytes(StandardCharsets.UTF_8);
    ServerHttpResponse response = exchange.getResponse();
    response.setStatusCode(HttpStatus.OK);
    response.getHeaders().setContentType(MediaType.APPLICATION_JSON);
    response.getHeaders().set(HttpHeaders.CACHE_CONTROL, "no-store");
    response.getHeaders().setContentLength(body.length);
    return response.writeWith(Mono.just(response.bufferFactory().wrap(body)));
  }
}
