package io.vitalflow.fhir;

import io.vitalflow.web.security.Caller;
import io.vitalflow.web.security.CallerAuthentication;
import org.springframework.security.core.context.ReactiveSecurityContextHolder;
import org.springframework.web.server.WebFilter;
import reactor.util.context.Context;

/**
 * For tests that call search and store code directly, without the security filter chain: what the
 * chain gives every request when security is switched off ({@link Caller#UNSECURED}). Without it
 * the code sees the anonymous caller, allowed nothing.
 */
public final class Unsecured {

  private static final CallerAuthentication AUTHENTICATION =
      new CallerAuthentication(Caller.UNSECURED, null);

  private Unsecured() {}

  /** For {@code mono.contextWrite(Unsecured.context())}. */
  public static Context context() {
    return ReactiveSecurityContextHolder.withAuthentication(AUTHENTICATION);
  }

  /** For {@code WebTestClient.bindToController(...).webFilter(Unsecured.filter())}. */
  public static WebFilter filter() {
    return (exchange, chain) -> chain.filter(exchange).contextWrite(context());
  }
}
