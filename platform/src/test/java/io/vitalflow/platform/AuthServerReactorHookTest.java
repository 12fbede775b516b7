package io.vitalflow.platform;

import static org.assertj.core.api.Assertions.assertThat;

import io.vitalflow.auth.LocalAuthServer;
import java.lang.reflect.Method;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import reactor.core.publisher.Hooks;

/**
 * The authorization server runs in the launcher's JVM next to the WebFlux services; Spring
 * Security's servlet configuration would install a JVM-wide Reactor hook there (WebFlux is on the
 * class path) that wraps every reactive operator of every service. The server takes it back.
 */
class AuthServerReactorHookTest {

  private static final String SPRING_SECURITY_HOOK =
      "org.springframework.security.SECURITY_REACTOR_CONTEXT_OPERATOR";

  @Test
  void theAuthorizationServerLeavesNoReactorHookBehind(@TempDir Path dataDir) throws Exception {
    try (LocalAuthServer auth = LocalAuthServer.start(dataDir)) {
      assertThat(auth.issuer()).startsWith("http://127.0.0.1:"); // it runs
      assertThat(lastOperatorHooks()).doesNotContainKey(SPRING_SECURITY_HOOK);
    }
  }

  /** Reactor's registered last-operator hooks by key (package-private in Reactor). */
  @SuppressWarnings("unchecked")
  private static Map<String, ?> lastOperatorHooks() throws Exception {
    Method hooks = Hooks.class.getDeclaredMethod("getOnLastOperatorHooks");
    hooks.setAccessible(true);
    return (Map<String, ?>) hooks.invoke(null);
  }
}
