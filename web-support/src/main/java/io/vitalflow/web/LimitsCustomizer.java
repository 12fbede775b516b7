package io.vitalflow.web;

import org.springframework.boot.reactor.netty.NettyServerCustomizer;

import reactor.netty.http.server.HttpServer;

/**
 * Applies {@link HttpLimits} to the service's Reactor Netty server: its own idle timeout (keep-alive
 * connections between requests), read timeout (pause within a body) and request timeout (whole body), plus a
 * {@link LimitsHandler} on every connection for the head deadline, the connection limits and the in-flight
 * byte budget.
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
    return server
        .idleTimeout(limits.idleTimeout())
        .readTimeout(limits.bodyReadTimeout())
        .requestTimeout(limits.requestTimeout())
        .doOnChannelInit((observer, channel, remote) -> LimitsHandler.install(channel.pipeline(), gate, answer));
  }
}
