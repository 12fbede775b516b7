package io.vitalflow.interactions;

import static org.assertj.core.api.Assertions.assertThat;

import io.vitalflow.interactions.host.Engine;
import io.vitalflow.interactions.host.PluginLimits;
import io.vitalflow.interactions.host.PluginSource;
import io.vitalflow.interactions.reference.ReferenceChecker;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

class CheckerReloadAndConcurrencyTest {

  private static final ReferenceChecker REFERENCE = ReferenceChecker.load();

  @Test
  void sharedCheckerGivesEveryThreadItsOwnCorrectAnswer() throws Exception {
    List<String> codes =
        List.of(
            "11289", "5640", "1191", "36567", "21212", "8123", "36437", "703", "4450", "161",
            "6809", "855332", "312961", "198335", "57258", "2551");
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Future<Integer>> futures = new ArrayList<>();
      for (int t = 0; t < 4; t++) {
        long seed = t;
        futures.add(
            pool.submit(
                () -> {
                  Random random = new Random(seed);
                  int wrong = 0;
                  for (int i = 0; i < 500; i++) {
                    List<Medication> meds =
                        random
                            .ints(1 + random.nextInt(10), 0, codes.size())
                            .mapToObj(k -> Medication.rxcui(codes.get(k)))
                            .toList();
                    if (!Shipped.CHECKER.check(meds).equals(REFERENCE.check(meds))) {
                      wrong++;
                    }
                  }
                  return wrong;
                }));
      }
      for (Future<Integer> f : futures) {
        assertThat(f.get()).isZero();
      }
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void thePluginReloadedFromItsBytesAnswersTheSame() throws IOException {
    byte[] wasm;
    try (InputStream in = getClass().getResourceAsStream("drug-interactions.wasm")) {
      wasm = in.readAllBytes();
    }
    try (WasmInteractionChecker checker =
        WasmInteractionChecker.shipped(
            PluginLimits.defaults().withDeadline(Duration.ofSeconds(10)))) {
      assertThat(checker.host().version().engine()).isEqualTo(Engine.AOT);
      List<Medication> meds =
          List.of(
              Medication.rxcui("11289"), Medication.rxcui("5640"), Medication.named("unknownium"));
      CheckResult before = checker.check(meds);
      checker.reload(PluginSource.wasm(WasmInteractionChecker.PLUGIN_NAME, wasm));
      assertThat(checker.host().version().engine()).isEqualTo(Engine.INTERPRETER);
      assertThat(checker.check(meds)).isEqualTo(before);
      checker.reload(WasmInteractionChecker.shippedSource());
      assertThat(checker.check(meds)).isEqualTo(before);
    }
  }
}
