package io.vitalflow.interactions.host;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

class HotReloadTest {

    private static final PluginLimits LIMITS = PluginLimits.defaults().withDeadline(Duration.ofSeconds(20));

    @Test
    void inFlightCallsFinishOnTheOldVersionNewCallsGetTheNewOne() throws Exception {
        try (PluginHost host = PluginHost.start(TestPlugins.source("echo", Engine.INTERPRETER), LIMITS)) {
            PluginVersion old = host.version();
            byte[] slow = TestPlugins.spin(3_000_000, 1); // hundreds of ms in the interpreter
            CountDownLatch started = new CountDownLatch(1);
            CompletableFuture<byte[]> inFlight = CompletableFuture.supplyAsync(() -> {
                started.countDown();
                return host.call(slow);
            });
            started.await();
            Thread.sleep(20);
            Assumptions.assumeFalse(inFlight.isDone(), "the slow call must still be running when the reload happens");

            PluginVersion next = host.load(TestPlugins.source("constant", Engine.INTERPRETER));

            assertThat(next).isNotEqualTo(old);
            assertThat(host.version()).isEqualTo(next);
            assertThat(new String(host.call(new byte[] {1}), StandardCharsets.US_ASCII)).isEqualTo("new");
            assertThat(inFlight.get(20, TimeUnit.SECONDS)).as("the old version answered").isEqualTo(slow);
            assertThat(host.idleInstances()).as("old instances are not pooled under the new version").isEqualTo(1);
        }
    }

    @Test
    void aBrokenNewVersionNeverReplacesTheRunningOne() {
        try (PluginHost host = PluginHost.start(TestPlugins.source("constant", Engine.INTERPRETER), LIMITS)) {
            PluginVersion good = host.version();
            assertThatThrownBy(() -> host.load(TestPlugins.source("abi2", Engine.INTERPRETER)))
                    .isInstanceOf(PluginAbiException.class);
            assertThatThrownBy(() -> host.load(PluginSource.wasm("junk", new byte[] {0, 'a', 's', 'm', 9})))
                    .isInstanceOf(PluginAbiException.class);
            assertThat(host.version()).isEqualTo(good);
            assertThat(host.call(new byte[0])).isEqualTo("new".getBytes(StandardCharsets.US_ASCII));
        }
    }

    @Test
    void runtimeLoadedPluginServesFromTheInterpreterThenFromCompiledCode() throws Exception {
        try (PluginHost host = PluginHost.start(TestPlugins.source("constant", Engine.INTERPRETER), LIMITS)) {
            long start = System.nanoTime();
            PluginVersion loaded = host.load(PluginSource.wasm("echo", TestPlugins.bytes("echo")));
            byte[] input = TestPlugins.spin(10, 5);
            byte[] first = host.call(input);
            long firstCallMs = (System.nanoTime() - start) / 1_000_000;
            assertThat(first).isEqualTo(input);
            assertThat(loaded.engine()).isEqualTo(Engine.INTERPRETER);
            assertThat(firstCallMs).as("load + first call, generous bound").isLessThan(5_000);

            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (host.version().engine() != Engine.RUNTIME_COMPILED && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            assertThat(host.version().engine()).isEqualTo(Engine.RUNTIME_COMPILED);
            assertThat(host.version().digest()).isEqualTo(loaded.digest());
            assertThat(host.call(input)).isEqualTo(input);
        }
    }

    @Test
    void closedHostRefusesCalls() {
        PluginHost host = PluginHost.start(TestPlugins.source("constant", Engine.INTERPRETER), LIMITS);
        host.close();
        assertThatThrownBy(() -> host.call(new byte[0])).isInstanceOf(IllegalStateException.class);
    }
}
