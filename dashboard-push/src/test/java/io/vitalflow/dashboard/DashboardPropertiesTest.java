package io.vitalflow.dashboard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class DashboardPropertiesTest {

  private static DashboardProperties with(int queueCapacity, Duration heartbeat, String prefix) {
    DashboardProperties d = DashboardProperties.defaults();
    return new DashboardProperties(
        prefix,
        heartbeat,
        d.vitalThrottle(),
        queueCapacity,
        d.resumeWindow(),
        d.resumeCapacity(),
        d.stateLookback(),
        d.maxPatients(),
        d.maxAlertsPerPatient(),
        d.maxPatientsPerSubscription(),
        d.syncInterval(),
        d.websocketServer(),
        d.allowedOrigins(),
        d.ticketLifetime(),
        d.maxTickets(),
        d.login());
  }

  @Test
  void defaultsAreValid() {
    DashboardProperties defaults = DashboardProperties.defaults();
    assertThat(defaults.heartbeatInterval()).isEqualTo(Duration.ofSeconds(15));
    assertThat(defaults.vitalThrottle()).isEqualTo(Duration.ofSeconds(1));
    assertThat(defaults.websocketServer()).isEqualTo("netty");
    assertThat(with(16, Duration.ofSeconds(1), "t1.").topicPrefix()).isEqualTo("t1.");
  }

  @Test
  void nonsenseIsRefusedWithTheSettingsName() {
    assertThatIllegalArgumentException()
        .isThrownBy(() -> with(0, Duration.ofSeconds(15), ""))
        .withMessageContaining("vitalflow.dashboard.queue-capacity");
    assertThatIllegalArgumentException()
        .isThrownBy(() -> with(1024, Duration.ofMillis(1), ""))
        .withMessageContaining("heartbeat-interval");
    assertThatIllegalArgumentException()
        .isThrownBy(() -> with(1024, Duration.ofSeconds(15), "a b"))
        .withMessageContaining("topic-prefix");
  }
}
