package io.vitalflow.interactions.host;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

class PoolConcurrencyTest {

  @Test
  void concurrentCallersNeverShareAnInstance() throws Exception {
    PluginLimits limits =
        PluginLimits.defaults().withDeadline(Duration.ofSeconds(10)).withMaxIdleInstances(3);
    try (PluginHost host =
        PluginHost.start(TestPlugins.source("echo", Engine.RUNTIME_COMPILED), limits)) {
      ExecutorService pool = Executors.newFixedThreadPool(8);
      try {
        List<Future<Integer>> futures = new ArrayList<>();
        for (int t = 0; t < 8; t++) {
          int thread = t;
          futures.add(
              pool.submit(
                  () -> {
                    int mismatches = 0;
                    for (int i = 0; i < 2_000; i++) {
                      // the spin widens the window in which a shared instance would mix up inputs
                      byte[] input = TestPlugins.spin(i % 50, thread * 100_000 + i);
                      if (!java.util.Arrays.equals(host.call(input), input)) {
                        mismatches++;
                      }
                    }
                    return mismatches;
                  }));
        }
        for (Future<Integer> f : futures) {
          assertThat(f.get()).isZero();
        }
      } finally {
        pool.shutdownNow();
      }
      assertThat(host.idleInstances()).isBetween(1, 3);
    }
  }
}
