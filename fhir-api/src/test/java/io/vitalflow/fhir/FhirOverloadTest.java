package io.vitalflow.fhir;

import static org.assertj.core.api.Assertions.assertThat;

import io.vitalflow.local.LocalStack;
import io.vitalflow.storage.PostgresCoordinates;
import io.vitalflow.web.RequestGate;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * A full FHIR API answers 503 with Retry-After: an OperationOutcome under /fhir, problem details
 * elsewhere.
 */
class FhirOverloadTest {

  @Test
  void aFullServiceAnswersInItsOwnErrorFormat() throws Exception {
    PostgresCoordinates database = LocalStack.shared().freshDatabase("fhir_overload");
    ConfigurableApplicationContext app =
        FhirApiApplication.builder()
            .run(
                "--server.port=0",
                "--vitalflow.fhir.writes-enabled=false",
                "--spring.datasource.url=" + database.jdbcUrl(),
                "--spring.datasource.username=" + database.user(),
                "--spring.datasource.password=" + database.password(),
                "--vitalflow.http.max-connections=2",
                "--vitalflow.http.max-connections-per-address=0",
                "--vitalflow.http.retry-after=9s");
    List<Socket> held = new ArrayList<>();
    try {
      int port = ((WebServerApplicationContext) app).getWebServer().getPort();
      RequestGate gate = app.getBean(RequestGate.class);
      held.add(new Socket("127.0.0.1", port));
      held.add(new Socket("127.0.0.1", port));
      for (int i = 0; i < 250 && gate.connections() < 2; i++) {
        Thread.sleep(20);
      }

      String fhir = exchange(port, "/fhir/metadata");
      assertThat(fhir)
          .startsWith("HTTP/1.1 503")
          .containsIgnoringCase("retry-after: 9")
          .containsIgnoringCase("content-type: application/fhir+json")
          .contains("\"resourceType\":\"OperationOutcome\"", "\"code\":\"throttled\"");

      String api = exchange(port, "/api/v1/patients/p-1/vitals/latest");
      assertThat(api)
          .startsWith("HTTP/1.1 503")
          .containsIgnoringCase("content-type: application/problem+json")
          .contains("\"status\":503");
    } finally {
      for (Socket socket : held) {
        socket.close();
      }
      app.close();
    }
  }

  private static String exchange(int port, String path) throws IOException {
    try (Socket socket = new Socket("127.0.0.1", port)) {
      socket.setSoTimeout(10_000);
      socket
          .getOutputStream()
          .write(
              ("GET " + path + " HTTP/1.1\r\nHost: localhost\r\n\r\n")
                  .getBytes(StandardCharsets.ISO_8859_1));
      InputStream in = socket.getInputStream();
      return new String(
          in.readAllBytes(), StandardCharsets.UTF_8); // Connection: close ends the answer
    }
  }
}
