package io.vitalflow.audit;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;

/**
 * {@code /actuator/health} component {@code audit}: DOWN while the trail fails closed and cannot
 * deliver (the service refuses requests then), so a load balancer sends clients elsewhere. Failing
 * open it stays UP and says {@code delivering: false}; the metrics tell the rest.
 */
public final class AuditHealthIndicator implements HealthIndicator {

  private final AuditTrail trail;

  public AuditHealthIndicator(AuditTrail trail) {
    this.trail = trail;
  }

  @Override
  public Health health() {
    if (!trail.enabled()) {
      return Health.up().withDetail("enabled", false).build();
    }
    boolean delivering = trail.delivering();
    Health.Builder health =
        delivering || !trail.options().failClosed() ? Health.up() : Health.down();
    return health
        .withDetail("delivering", delivering)
        .withDetail("pending", trail.pending())
        .withDetail("maxPending", trail.options().maxPending())
        .withDetail("oldestPendingSeconds", trail.oldestPending().toSeconds())
        .withDetail("deliveryTimeoutSeconds", trail.options().deliveryTimeout().toSeconds())
        .withDetail("failClosed", trail.options().failClosed())
        .build();
  }
}
