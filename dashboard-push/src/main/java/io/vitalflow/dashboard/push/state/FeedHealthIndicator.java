package io.vitalflow.dashboard.push.state;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;

/** UP once the topic feed has caught up with what was there at start and while it keeps running. */
public final class FeedHealthIndicator implements HealthIndicator {

  private final TopicFeed feed;
  private final Hub hub;

  public FeedHealthIndicator(TopicFeed feed, Hub hub) {
    this.feed = feed;
    this.hub = hub;
  }

  @Override
  public Health health() {
    Health.Builder health =
        !feed.running()
            ? Health.down().withDetail("feed", "stopped")
            : feed.caughtUp()
                ? Health.up().withDetail("feed", "live")
                : Health.outOfService().withDetail("feed", "catching up");
    return health.withDetail("connections", hub.connections().size()).build();
  }
}
