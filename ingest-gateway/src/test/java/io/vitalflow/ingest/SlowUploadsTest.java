package io.vitalflow.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import io.vitalflow.local.LocalStack;
import io.vitalflow.web.RequestGate;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Issue 12, finding 4: clients that send full-size (4 MB) batches slowly tie up only what the
 * in-flight budget allows; the ones past it get 503 with Retry-After at once (their bodies are
 * never buffered), and a real batch from another device beside them is stored.
 */
class SlowUploadsTest {

  private static final int FOUR_MB = 4 * 1024 * 1024;

  @Test
  void slowFullSizeUploadsPastTheBudgetGet503AndARealBatchIsStored() throws Exception {
    LocalStack stack = LocalStack.shared();
    ConfigurableApplicationContext app =
        IngestGatewayApplication.builder()
            .run(
                "--server.port=0",
                "--server.address=127.0.0.1",
                "--spring.kafka.bootstrap-servers=" + stack.kafkaBootstrap(),
                "--vitalflow.ingest.topic-prefix=" + stack.freshTopicPrefix());
    List<Socket> slow = new ArrayList<>();
    try {
      int port = ((WebServerApplicationContext) app).getWebServer().getPort();
      RequestGate gate = app.getBean(RequestGate.class);
      long perAddress = gate.limits().maxInFlightRequestBytesPerAddress().toBytes();
      int admitted = (int) (perAddress / FOUR_MB); // 8 with the defaults (32 MB per address)
      List<String> answers = new ArrayList<>();
      for (int i = 0; i < admitted + 4; i++) {
        Socket socket = connect(port, "127.0.0.2");
        slow.add(socket);
        socket
            .getOutputStream()
            .write(
                ("POST /api/v1/vitals HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                        + "Content-Length: "
                        + FOUR_MB
                        + "\r\n\r\n[")
                    .getBytes(StandardCharsets.US_ASCII));
        socket.getOutputStream().write(new byte[64 * 1024]); // then nothing more: a slow upload
      }
      for (int i = 0; i < 250 && gate.inFlightBytes() < (long) admitted * FOUR_MB; i++) {
        Thread.sleep(20);
      }
      assertThat(gate.inFlightBytes()).isEqualTo((long) admitted * FOUR_MB);
      Thread.sleep(500);
      for (Socket socket :
          slow) { // which ones were admitted depends on the order the server saw them in
        if (socket.getInputStream().available() > 0) {
          answers.add(head(socket.getInputStream()));
        }
      }
      assertThat(answers)
          .hasSize(4)
          .allSatisfy(
              answer ->
                  assertThat(answer)
                      .startsWith("HTTP/1.1 503")
                      .containsIgnoringCase("retry-after: 5")
                      .containsIgnoringCase("content-type: application/problem+json"));

      try (Socket device = connect(port, "127.0.0.1")) {
        String batch =
            "[{\"patientId\":\"slow-1\",\"deviceId\":\"m1\",\"code\":\"8867-4\",\"value\":72,"
                + "\"unit\":\"/min\",\"effectiveTime\":\""
                + Instant.now().minusSeconds(1)
                + "\"}]";
        byte[] body = batch.getBytes(StandardCharsets.UTF_8);
        device
            .getOutputStream()
            .write(
                ("POST /api/v1/vitals HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                        + "Content-Length: "
                        + body.length
                        + "\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
        device.getOutputStream().write(body);
        assertThat(head(device.getInputStream())).startsWith("HTTP/1.1 200");
      }
    } finally {
      for (Socket socket : slow) {
        socket.close();
      }
      app.close();
    }
  }

  private static Socket connect(int port, String source) throws IOException {
    Socket socket = new Socket();
    socket.bind(new InetSocketAddress(InetAddress.getByName(source), 0));
    socket.connect(new InetSocketAddress("127.0.0.1", port), 2000);
    socket.setSoTimeout(15_000);
    return socket;
  }

  /** The status line and headers of the answer. */
  private static String head(InputStream in) throws IOException {
    StringBuilder head = new StringBuilder();
    int c;
    while ((c = in.read()) != -1) {
      head.append((char) c);
      if (head.length() >= 4 && head.substring(head.length() - 4).equals("\r\n\r\n")) {
        break;
      }
    }
    return head.toString();
  }
}
