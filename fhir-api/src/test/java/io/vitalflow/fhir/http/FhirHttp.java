package io.vitalflow.fhir.http;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.context.FhirContext;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.OperationOutcome;

/**
 * Raw HTTP against a {@link FhirServer}: what goes over the wire, headers and all, without a FHIR
 * client smoothing anything over.
 */
final class FhirHttp {

  static final FhirContext FHIR = FhirContext.forR4Cached();
  static final String JSON = "application/fhir+json";
  static final String XML = "application/fhir+xml";

  private final HttpClient client =
      HttpClient.newBuilder()
          .connectTimeout(Duration.ofSeconds(5))
          .version(HttpClient.Version.HTTP_1_1)
          .build();
  private final String base;

  FhirHttp(String base) {
    this.base = base;
  }

  String base() {
    return base;
  }

  /**
   * @param path after {@code /fhir}, e.g. {@code /Patient/1}
   * @param headers name, value, name, value...
   */
  HttpResponse<String> send(String method, String path, String body, String... headers) {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(base + path))
            .timeout(Duration.ofSeconds(30))
            .method(
                method,
                body == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(body));
    boolean contentType = false;
    for (int i = 0; i < headers.length; i += 2) {
      request.header(headers[i], headers[i + 1]);
      contentType |= headers[i].equalsIgnoreCase("Content-Type");
    }
    if (body != null && !contentType) {
      request.header("Content-Type", JSON);
    }
    try {
      return client.send(request.build(), HttpResponse.BodyHandlers.ofString());
    } catch (HttpTimeoutException e) {
      // rare under a loaded full build and not reproduced alone: leave the evidence of where each
      // thread was
      System.err.println("FhirHttp: " + method + " " + path + " timed out; threads of this JVM:");
      for (ThreadInfo thread : ManagementFactory.getThreadMXBean().dumpAllThreads(true, true)) {
        System.err.print(full(thread));
      }
      throw new UncheckedIOException(e);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** {@link ThreadInfo#toString()} stops after 8 frames. */
  private static String full(ThreadInfo thread) {
    StringBuilder text =
        new StringBuilder(
            "\""
                + thread.getThreadName()
                + "\" "
                + thread.getThreadState()
                + (thread.getLockName() == null ? "" : " on " + thread.getLockName())
                + "\n");
    for (StackTraceElement frame : thread.getStackTrace()) {
      text.append("    at ").append(frame).append('\n');
    }
    return text.append('\n').toString();
  }

  HttpResponse<String> get(String path, String... headers) {
    return send("GET", path, null, headers);
  }

  HttpResponse<String> post(String path, String body, String... headers) {
    return send("POST", path, body, headers);
  }

  HttpResponse<String> put(String path, String body, String... headers) {
    return send("PUT", path, body, headers);
  }

  HttpResponse<String> delete(String path, String... headers) {
    return send("DELETE", path, null, headers);
  }

  static String json(IBaseResource resource) {
    return FHIR.newJsonParser().encodeResourceToString(resource);
  }

  static <T extends IBaseResource> T parse(Class<T> type, HttpResponse<String> response) {
    return FHIR.newJsonParser().parseResource(type, response.body());
  }

  static String header(HttpResponse<String> response, String name) {
    return response.headers().firstValue(name).orElse(null);
  }

  /**
   * Asserts the status and that the body is an OperationOutcome with an error issue, in JSON;
   * returns it.
   */
  static OperationOutcome assertOutcome(HttpResponse<String> response, int status) {
    assertThat(response.statusCode())
        .as("status of %s: %s", response.request().uri(), response.body())
        .isEqualTo(status);
    assertThat(header(response, "Content-Type")).startsWith(JSON);
    OperationOutcome outcome = parse(OperationOutcome.class, response);
    assertThat(outcome.getIssue()).isNotEmpty();
    assertThat(outcome.getIssueFirstRep().getSeverity())
        .isIn(OperationOutcome.IssueSeverity.ERROR, OperationOutcome.IssueSeverity.FATAL);
    return outcome;
  }
}
