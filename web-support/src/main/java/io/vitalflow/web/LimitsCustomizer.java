package io.vitalflow.web;

import org.springframework.boot.reactor.netty.NettyServerCustomizer;
import reactor.netty.http.server.HttpServer;

/**
 * Applies {@link HttpLimits} to the service's Reactor Netty server: its idle timeout (keep-alive
 * connections between requests), plus a {@link LimitsHandler} on every connection for the head and
 * body deadlines, the connection limits and the in-flight byte budget.
 */
final class LimitsCustomizer implements NettyServerCustomizer {

  private final RequestGate gate;
  private final OverloadAnswer answer;

  LimitsCustomizer(RequestGate gate, OverloadAnswer answer) {
    this.gate = gate;
    this.answer = answer;
  }

  @Override
  public HttpServer apply(HttpServer server) {
    HttpLimits limits = gate.limits();
    // not Reactor Netty's readTimeout/requestTimeout: they also run on WebSocket upgrade requests
    // and cut
    // streams that live longer; LimitsHandler times request bodies only
    return server
        .idleTimeout(limits.idleTimeout())
        .doOnChannelInit(
            (observer, channel, remote) -> LimitsHandler.install(channel.pipeline(), gate, answer));
  }
}
