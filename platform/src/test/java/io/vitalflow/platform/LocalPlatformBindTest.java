package io.vitalflow.platform;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vitalflow.local.LocalStack;
import io.vitalflow.storage.PostgresCoordinates;
import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.Socket;
import java.util.Collections;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/** The launcher's HTTP ports listen on 127.0.0.1 unless {@code --bind} opens them. */
class LocalPlatformBindTest {

  @Test
  void bindTakesOnlyIpAddresses() {
    assertThat(LocalPlatform.bindAddress("127.0.0.1")).isEqualTo("127.0.0.1");
    assertThat(LocalPlatform.bindAddress("0.0.0.0")).isEqualTo("0.0.0.0");
    assertThat(LocalPlatform.urlHost("0.0.0.0")).isEqualTo("127.0.0.1");
    assertThat(LocalPlatform.urlHost("::1")).isEqualTo("[::1]");
    assertThatThrownBy(() -> LocalPlatform.bindAddress("example.org"))
        .hasMessage("--bind: 'example.org' is not an IP address (e.g. 127.0.0.1 or 0.0.0.0)");
  }

  @Test
  void portsListenOnLoopbackByDefaultAndEverywhereWithBind() throws Exception {
    InetAddress external = externalAddress().orElse(null);
    Assumptions.assumeTrue(external != null, "this machine has no non-loopback IPv4 address");
    try (LocalPlatform platform = start(Map.of())) {
      int port = platform.ports.get("ingest");
      assertThat(reachable(InetAddress.getLoopbackAddress(), port)).isTrue();
      assertThat(reachable(external, port)).as("ingest on %s", external).isFalse();
    }
    try (LocalPlatform platform = start(Map.of("bind", "0.0.0.0"))) {
      int port = platform.ports.get("ingest");
      assertThat(reachable(InetAddress.getLoopbackAddress(), port)).isTrue();
      assertThat(reachable(external, port)).as("ingest on %s", external).isTrue();
    }
  }

  private static LocalPlatform start(Map<String, String> more) {
    LocalStack stack = LocalStack.shared();
    PostgresCoordinates database = stack.freshDatabase("platform_bind");
    Map<String, String> flags =
        new HashMap<>(
            Map.of(
                "services",
                "ingest",
                "patients",
                "0",
                "ingest-port",
                "0",
                "auth-port",
                "0",
                "kafka",
                stack.kafkaBootstrap(),
                "jdbc-url",
                database.jdbcUrl(),
                "jdbc-user",
                database.user(),
                "jdbc-password",
                database.password()));
    flags.putAll(more);
    LocalPlatform platform = new LocalPlatform(flags);
    platform.start();
    return platform;
  }

  private static boolean reachable(InetAddress address, int port) {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress(address, port), 2000);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  private static Optional<InetAddress> externalAddress() throws IOException {
    for (NetworkInterface network : Collections.list(NetworkInterface.getNetworkInterfaces())) {
      if (!network.isUp() || network.isLoopback()) {
        continue;
      }
      for (InetAddress address : Collections.list(network.getInetAddresses())) {
        if (address instanceof Inet4Address && !address.isLoopbackAddress()) {
          return Optional.of(address);
        }
      }
    }
    return Optional.empty();
  }
}
