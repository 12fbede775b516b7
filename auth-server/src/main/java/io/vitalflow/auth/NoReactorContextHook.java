package io.vitalflow.auth;

import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.util.ClassUtils;
import reactor.core.publisher.Hooks;

/**
 * Takes back the Reactor hook that Spring Security's servlet configuration installs when WebFlux is
 * on the class path (for servlet applications that call other services with a {@code WebClient}).
 * The hook is global to the JVM: when this server runs in the platform launcher next to the WebFlux
 * services, it wrapped every reactive operator of every request of theirs, a cost they paid without
 * any use (this server makes no {@code WebClient} calls). Runs once every singleton of this server
 * exists, so after the hook was installed.
 */
final class NoReactorContextHook implements SmartInitializingSingleton {

  /**
   * The key Spring Security installs its hook under ({@code SecurityReactorContextConfiguration}).
   */
  static final String KEY = "org.springframework.security.SECURITY_REACTOR_CONTEXT_OPERATOR";

  @Override
  public void afterSingletonsInstantiated() {
    if (ClassUtils.isPresent("reactor.core.publisher.Hooks", getClass().getClassLoader())) {
      Reset.run();
    }
  }

  /** Apart, so that this class loads without Reactor on the class path. */
  private static final class Reset {
    static void run() {
      Hooks.resetOnLastOperator(KEY);
    }
  }
}
