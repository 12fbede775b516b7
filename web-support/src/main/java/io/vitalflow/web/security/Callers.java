package io.vitalflow.web.security;

import org.springframework.security.core.context.ReactiveSecurityContextHolder;
import reactor.core.publisher.Mono;
import reactor.util.context.Context;

/** The {@link Caller} of the WebFlux request being handled. */
public final class Callers {

  /** Where Spring Security keeps a request's security context in the Reactor context. */
  private static final Object SECURITY_KEY =
      ReactiveSecurityContextHolder.withSecurityContext(Mono.empty()).stream()
          .findFirst()
          .orElseThrow()
          .getKey();

  /** The caller of the security context {@code security} (identical object) stands for. */
  private record Known(Object security, Caller caller) {}

  private Callers() {}

  /**
   * The caller of this request: the token's; {@link Caller#UNSECURED} when security is switched off
   * (the filter chain puts it in the context); {@link Caller#ANONYMOUS}, allowed nothing, when
   * there is no authentication at all (an open path without a token, or code outside the chain).
   *
   * <p>A request authenticated by the chain ({@link #context}) has its caller next to its security
   * context: one context lookup instead of unwrapping the security context through five operators
   * (every request asks two or three times: the audit filter, the scope check, the handler). Code
   * that writes another security context later (the CDS Hooks service's EHR rights) replaces the
   * entry the caller was known for, and the caller is read from the security context again.
   */
  public static Mono<Caller> current() {
    return Mono.deferContextual(
        context -> {
          Known known = context.getOrDefault(Known.class, null);
          if (known != null && context.getOrDefault(SECURITY_KEY, null) == known.security()) {
            return Mono.just(known.caller());
          }
          return fromSecurityContext();
        });
  }

  /**
   * The Reactor context of a request authenticated as {@code authentication}: Spring Security's
   * context with it ({@code ReactiveSecurityContextHolder}, {@code exchange.getPrincipal()}), and
   * its caller for {@link #current()}.
   */
  public static Context context(CallerAuthentication authentication) {
    Object security =
        ReactiveSecurityContextHolder.withAuthentication(authentication).get(SECURITY_KEY);
    return Context.of(
        SECURITY_KEY, security, Known.class, new Known(security, authentication.caller()));
  }

  private static Mono<Caller> fromSecurityContext() {
    return ReactiveSecurityContextHolder.getContext()
        .mapNotNull(context -> context.getAuthentication())
        .filter(CallerAuthentication.class::isInstance)
        .map(authentication -> ((CallerAuthentication) authentication).caller())
        .defaultIfEmpty(Caller.ANONYMOUS);
  }
}
