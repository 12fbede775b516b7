package io.vitalflow.interactions.extism;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vitalflow.interactions.host.PluginMemoryException;
import io.vitalflow.interactions.host.PluginTrapException;
import org.junit.jupiter.api.Test;

class KernelMemoryTest {

  @Test
  void blocksHaveLengthsAndAreReusedAfterFree() {
    KernelMemory m = new KernelMemory(1 << 16);
    assertThat(m.alloc(0)).isZero();
    long a = m.alloc(10);
    long b = m.alloc(20);
    assertThat(a).isPositive();
    assertThat(b).isGreaterThanOrEqualTo(a + 10);
    assertThat(m.length(a)).isEqualTo(10);
    assertThat(m.length(b)).isEqualTo(20);
    assertThat(m.length(a + 1)).as("not a block start").isZero();
    m.storeU64(b, 0x0102030405060708L);
    assertThat(m.loadU8(b)).isEqualTo(8);
    assertThat(m.loadU64(b)).isEqualTo(0x0102030405060708L);
    m.free(a);
    assertThat(m.length(a)).isZero();
    long c = m.alloc(4);
    assertThat(c).as("first fit reuses the freed block").isEqualTo(a);
    assertThat(m.length(c)).isEqualTo(4);
  }

  @Test
  void outOfBoundsAccessTraps() {
    KernelMemory m = new KernelMemory(1 << 16);
    long a = m.alloc(8);
    assertThatThrownBy(() -> m.loadU64(a + 1)).isInstanceOf(PluginTrapException.class);
    assertThatThrownBy(() -> m.storeU8(0, 1)).isInstanceOf(PluginTrapException.class);
    assertThatThrownBy(() -> m.readBlock(a + 2, "var_get")).isInstanceOf(PluginTrapException.class);
  }

  @Test
  void capIsEnforcedAndResetFreesEverything() {
    KernelMemory m = new KernelMemory(1024);
    m.alloc(1000);
    assertThatThrownBy(() -> m.alloc(100))
        .isInstanceOf(PluginMemoryException.class)
        .hasMessageContaining("cap of 1024 bytes");
    m.reset();
    assertThat(m.alloc(1000)).isPositive();
  }
}
