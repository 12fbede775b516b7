package io.vitalflow.ingest.vitals.validate;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DeviceAccessTest {

  @Test
  void idsAndGlobPatternsNameTheDevices() {
    DeviceAccess access =
        DeviceAccess.of("gw", List.of("cuff-2", "monitor-*", "bed-*-spo2", "a.b", "x.*.y*"));

    assertThat(access.allows("cuff-2")).isTrue();
    assertThat(access.allows("cuff-20")).isFalse();
    assertThat(access.allows("monitor-")).isTrue();
    assertThat(access.allows("monitor-17")).isTrue();
    assertThat(access.allows("xmonitor-17")).isFalse();
    assertThat(access.allows("bed-4-spo2")).isTrue();
    assertThat(access.allows("bed-4-hr")).isFalse();
    assertThat(access.allows("a.b")).isTrue();
    assertThat(access.allows("aXb")).as("a dot is a dot, not any character").isFalse();
    assertThat(access.allows("x.1.y")).isTrue();
    assertThat(access.allows("x.1.yz")).isTrue();
    assertThat(access.allows("x1.y")).isFalse();
    assertThat(access.clientId()).isEqualTo("gw");
  }

  @Test
  void aClientWithoutRegistrationMaySendForNoDevice() {
    DeviceRegistry registry =
        new DeviceRegistry(Map.of("gw", List.of("monitor-*"), "fleet", List.of("*")));

    assertThat(registry.forClient("stranger").allows("monitor-1")).isFalse();
    assertThat(registry.forClient("stranger").clientId()).isEqualTo("stranger");
    assertThat(registry.forClient("gw").allows("monitor-1")).isTrue();
    assertThat(registry.forClient("gw").allows("cuff-1")).isFalse();
    assertThat(registry.forClient("fleet").allows("anything:at-all")).isTrue();
    assertThat(DeviceAccess.ANY.allows("anything")).isTrue();
  }
}
