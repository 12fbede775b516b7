package io.vitalflow.web.security;

import org.springframework.security.core.context.ReactiveSecurityContextHolder;
import reactor.core.publisher.Mono;

/** The {@link Caller} of the WebFlux request being handled. */
public final class Callers {

  private Callers() {}

  /**
   * The caller of this request; {@link Caller#UNSECURED} when security is switched off (no
   * authentication in the context).
   */
  public static Mono<Caller> current() {
    return ReactiveSecurityContextHolder.getContext()
        .mapNotNull(context -> context.getAuthentication())
        .filter(CallerAuthentication.class::isInstance)
        .map(authentication -> ((CallerAuthentication) authentication).caller())
        .defaultIfEmpty(Caller.UNSECURED);
  }
}
