package io.vitalflow.web.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.springframework.security.core.context.ReactiveSecurityContextHolder;
import reactor.core.publisher.Mono;

/** Where a request's caller is found: next to its security context, or in it. */
class CallersTest {

  private static final Caller NURSE =
      new Caller(
          "nurse-a", "ward", SmartScopes.of(List.of("user/*.rs")), Optional.empty(), Set.of());
  private static final Caller EHR =
      new Caller("ehr", "ehr", SmartScopes.of(List.of("user/*.rs")), Optional.empty(), Set.of());

  @Test
  void theChainsCallerIsTheRequestsAndSpringSecuritySeesTheSameAuthentication() {
    CallerAuthentication nurse = new CallerAuthentication(NURSE, null);

    assertThat(Callers.current().contextWrite(Callers.context(nurse)).block()).isSameAs(NURSE);
    assertThat(
            ReactiveSecurityContextHolder.getContext()
                .map(context -> context.getAuthentication())
                .contextWrite(Callers.context(nurse))
                .block())
        .isSameAs(nurse);
  }

  @Test
  void aSecurityContextWrittenLaterWinsOverTheKnownCaller() {
    CallerAuthentication nurse = new CallerAuthentication(NURSE, null);
    CallerAuthentication ehr = new CallerAuthentication(EHR, null);

    Caller inside =
        Callers.current()
            .contextWrite(ReactiveSecurityContextHolder.withAuthentication(ehr))
            .contextWrite(Callers.context(nurse))
            .block();

    assertThat(inside).isSameAs(EHR);
  }

  @Test
  void withoutAuthenticationTheCallerIsAnonymous() {
    assertThat(Callers.current().block()).isSameAs(Caller.ANONYMOUS);
    assertThat(
            Callers.current()
                .contextWrite(ReactiveSecurityContextHolder.withSecurityContext(Mono.empty()))
                .block())
        .isSameAs(Caller.ANONYMOUS);
  }
}
