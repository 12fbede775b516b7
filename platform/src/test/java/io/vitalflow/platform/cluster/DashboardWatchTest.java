package io.vitalflow.platform.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class DashboardWatchTest {

  @Test
  void anAlertRaisedButNeverShownIsMissing() {
    Instant t = Instant.parse("2026-12-06T20:00:00Z");
    List<DashboardWatch.Raised> raised =
        List.of(
            new DashboardWatch.Raised("a-1", "p-1", t, "NEWS2_BAND_CHANGE"),
            new DashboardWatch.Raised("a-2", "p-2", t, "NEWS2_BAND_CHANGE"),
            new DashboardWatch.Raised("a-3", "p-1", t, "THRESHOLD"));

    assertThat(DashboardWatch.missing(raised, Set.of("a-1", "a-3", "a-other")))
        .extracting(DashboardWatch.Raised::alertId)
        .containsExactly("a-2");
    assertThat(DashboardWatch.missing(raised, Set.of("a-1", "a-2", "a-3"))).isEmpty();
  }
}
