package io.vitalflow.web.security;

import org.springframework.security.core.context.ReactiveSecurityContextHolder;
import reactor.core.publisher.Mono;

/** The {@link Caller} of the WebFlux request being handled. */
public final class Callers {

  private Callers() {}

  /**
   * The caller of this request: the token's; {@link Caller#UNSECURED} when security is switched off
   * (the filter chain puts it in the context); {@link Caller#ANONYMOUS}, allowed nothing, when
   * there is no authentication at all (an open path without a token, or code outside the chain).
   */
  public static Mono<Caller> current() {
    return ReactiveSecurityContextHolder.getContext()
        .mapNotNull(context -> context.getAuthentication())
        .filter(CallerAuthentication.class::isInstance)
        .map(authentication -> ((CallerAuthentication) authentication).caller())
        .defaultIfEmpty(Caller.ANONYMOUS);
  }
}
