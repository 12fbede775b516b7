package io.vitalflow.interactions;

import io.vitalflow.interactions.host.PluginLimits;
import java.time.Duration;

/**
 * One shipped (build-time compiled) checker for the whole test JVM: it is thread-safe and cheap to
 * share.
 */
final class Shipped {

  static final WasmInteractionChecker CHECKER =
      WasmInteractionChecker.shipped(
          PluginLimits.defaults()
              .withDeadline(Duration.ofSeconds(10))); // generous: CI machines are busy

  private Shipped() {}
}
