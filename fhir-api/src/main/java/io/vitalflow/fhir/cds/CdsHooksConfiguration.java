package io.vitalflow.fhir.cds;

import io.vitalflow.interactions.WasmInteractionChecker;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * One interaction checker per application: the build-time compiled plugin module is shared, the
 * host pools plugin instances for concurrent requests, and the bean is closed (watchdog, instances)
 * on shutdown.
 */
@Configuration(proxyBeanMethods = false)
class CdsHooksConfiguration {

  @Bean(destroyMethod = "close")
  WasmInteractionChecker interactionChecker() {
    return WasmInteractionChecker.shipped();
  }
}
