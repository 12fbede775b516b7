package io.vitalflow.audit.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.vitalflow.audit.AuditAction;
import io.vitalflow.audit.AuditEvents;
import io.vitalflow.audit.AuditHealthIndicator;
import io.vitalflow.audit.AuditOutcome;
import io.vitalflow.audit.AuditRecord;
import io.vitalflow.audit.AuditSubtype;
import io.vitalflow.audit.AuditTrail;
import io.vitalflow.local.FreePorts;
import io.vitalflow.local.LocalStack;
import io.vitalflow.local.TestIssuer;
import io.vitalflow.web.security.Refusals;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Import;
import org.springframework.http.ResponseEntity;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

/**
 * The auto-configured web filter and refusal listener in a WebFlux service with security on (real
 * tokens from {@link TestIssuer}), recording to the real broker: exactly one event per request with
 * the subtype, agent, patients and status; what handlers add through {@link AuditDetails}; 401 and
 * 403 (by the security chain and by a handler) once each; excluded paths not at all; and, with the
 * broker unreachable, 503 with {@code Retry-After} once the deadline passed, without running the
 * handler, health DOWN.
 */
class AuditWebFilterTest {

  private final LocalStack stack = LocalStack.shared();
  private final HttpClient http = HttpClient.newHttpClient();
  private ConfigurableApplicationContext app;
  private String base;

  /** A service: a few handlers, everything else auto-configured as in the real ones. */
  @SpringBootConfiguration
  @EnableAutoConfiguration(
      excludeName = "org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration")
  @Import(Handlers.class)
  static class Service {}

  @RestController
  static class Handlers {

    static final AtomicInteger served = new AtomicInteger();

    private final Refusals refusals;
    private final AuditTrail trail;

    Handlers(Refusals refusals, AuditTrail trail) {
      this.refusals = refusals;
      this.trail = trail;
    }

    /** Takes the last place in the trail's buffer itself, so the request's own event finds none. */
    @GetMapping("/fhir/Patient/{id}/$fill")
    String fill(@PathVariable String id) {
      trail.record(AuditRecord.builder("audit-test", AuditSubtype.READ).patient(id).build());
      return "{\"resourceType\":\"Patient\",\"secret\":true}";
    }

    @GetMapping("/fhir/Patient/{id}")
    String read(@PathVariable String id) {
      served.incrementAndGet();
      return "{\"resourceType\":\"Patient\",\"id\":\"" + id + "\"}";
    }

    /** A create whose patient only the body names: the handler says which. */
    @PostMapping("/fhir/Observation")
    ResponseEntity<String> create(ServerHttpRequest request) {
      AuditDetails.of(request).patient("p-body").patient("not a fhir id");
      return ResponseEntity.created(URI.create("/fhir/Observation/o-1/_history/1")).body("{}");
    }

    /** A handler's own scope check. */
    @GetMapping("/fhir/Observation/{id}")
    Mono<Void> forbidden(ServerWebExchange exchange) {
      return refusals.forbidden(exchange, "reading Observation needs user/Observation.rs");
    }

    /** A batch naming two resources. */
    @PostMapping("/fhir")
    String bundle(ServerWebExchange exchange) {
      AuditDetails.of(exchange)
          .subtype(AuditSubtype.BATCH)
          .entity("Patient/p-3")
          .entity("Observation/o-3");
      return "{}";
    }

    @GetMapping("/ward.js")
    String file() {
      return "//";
    }
  }

  @AfterEach
  void tearDown() {
    if (app != null) {
      app.close();
    }
  }

  private String start(String bootstrap, boolean secured, String... extra) throws Exception {
    String prefix = stack.freshTopicPrefix();
    List<String> args =
        new ArrayList<>(
            List.of(
                "--server.port=0",
                "--spring.application.name=audit-test",
                "--spring.kafka.bootstrap-servers=" + bootstrap,
                "--vitalflow.audit.enabled=true",
                "--vitalflow.audit.topic-prefix=" + prefix));
    if (secured) {
      args.addAll(List.of(TestIssuer.shared().serviceArgs()));
    }
    args.addAll(List.of(extra));
    app =
        new SpringApplicationBuilder(Service.class)
            .web(WebApplicationType.REACTIVE)
            .run(args.toArray(String[]::new));
    base = "http://127.0.0.1:" + ((WebServerApplicationContext) app).getWebServer().getPort();
    return prefix;
  }

  private HttpResponse<String> send(String method, String path, String token) throws Exception {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(base + path))
            .method(
                method,
                method.equals("GET")
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString("{}"))
            .header("Content-Type", "application/json")
            .header("X-Request-Id", "req-" + method + path.length());
    if (token != null) {
      request.header("Authorization", "Bearer " + token);
    }
    return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void everyRequestIsOneEventWithWhoWhatWhichPatientsAndTheOutcome() throws Exception {
    String prefix = start(stack.kafkaBootstrap(), true);
    TestIssuer issuer = TestIssuer.shared();
    String token = issuer.userToken("nurse-a", List.of("ward-a"), "user/*.cruds");

    assertThat(send("GET", "/fhir/Patient/p-1", token).statusCode()).isEqualTo(200);
    assertThat(send("POST", "/fhir/Observation", token).statusCode()).isEqualTo(201);
    assertThat(send("POST", "/fhir", token).statusCode()).isEqualTo(200);
    assertThat(send("GET", "/fhir/Observation/o-2", token).statusCode()).isEqualTo(403);
    assertThat(send("GET", "/fhir/Patient/p-4", null).statusCode()).isEqualTo(401);
    assertThat(send("GET", "/actuator/metrics", token).statusCode()).isEqualTo(403);
    assertThat(send("GET", "/fhir/Patient/p-5", issuer.forged("user/*.rs")).statusCode())
        .isEqualTo(401);
    // answered by the exception handlers, after the filter chain ended with the error
    assertThat(send("GET", "/fhir/Nothing/x-1", token).statusCode()).isEqualTo(404);
    // not audited: health and static files
    assertThat(send("GET", "/ward.js", token).statusCode()).isEqualTo(200);
    send("GET", "/actuator/health", null);

    List<AuditRecord> events = read(prefix, 8);
    assertThat(events).hasSize(8);

    AuditRecord notFound =
        events.stream().filter(e -> e.entities().contains("Nothing/x-1")).findFirst().get();
    assertThat(notFound.subtype()).isEqualTo(AuditSubtype.READ);
    assertThat(notFound.status()).isEqualTo(404);
    assertThat(notFound.outcome()).isEqualTo(AuditOutcome.MINOR_FAILURE);
    AuditRecord read = events.stream().filter(e -> e.patients().contains("p-1")).findFirst().get();
    assertThat(read.service()).isEqualTo("audit-test");
    assertThat(read.action()).isEqualTo(AuditAction.READ);
    assertThat(read.status()).isEqualTo(200);
    assertThat(read.outcome()).isEqualTo(AuditOutcome.SUCCESS);
    assertThat(read.agentSubject()).isEqualTo("nurse-a");
    assertThat(read.clientId()).isNotBlank();
    assertThat(read.patients()).containsExactly("p-1");
    assertThat(read.sourceAddress()).isEqualTo("127.0.0.1");
    assertThat(read.requestId()).isEqualTo("req-GET17");

    AuditRecord create = only(events, AuditSubtype.CREATE);
    assertThat(create.status()).isEqualTo(201);
    assertThat(create.patients()).containsExactly("p-body");
    assertThat(create.entities()).containsExactly("Observation", "Observation/o-1");

    AuditRecord batch = only(events, AuditSubtype.BATCH);
    assertThat(batch.patients()).containsExactly("p-3");
    assertThat(batch.entities()).containsExactly("Observation/o-3");

    List<AuditRecord> forbidden =
        events.stream().filter(e -> e.subtype() == AuditSubtype.AUTHORIZATION).toList();
    assertThat(forbidden).hasSize(2);
    AuditRecord byHandler =
        forbidden.stream().filter(e -> e.entities().contains("Observation/o-2")).findFirst().get();
    assertThat(byHandler.status()).isEqualTo(403);
    assertThat(byHandler.outcome()).isEqualTo(AuditOutcome.MINOR_FAILURE);
    assertThat(byHandler.agentSubject()).isEqualTo("nurse-a");
    AuditRecord byChain = forbidden.stream().filter(e -> e.entities().isEmpty()).findFirst().get();
    assertThat(byChain.status()).isEqualTo(403);
    assertThat(byChain.agentSubject()).isEqualTo("nurse-a");

    List<AuditRecord> unauthenticated =
        events.stream().filter(e -> e.subtype() == AuditSubtype.AUTHENTICATION).toList();
    assertThat(unauthenticated).hasSize(2);
    assertThat(unauthenticated)
        .allSatisfy(
            e -> {
              assertThat(e.status()).isEqualTo(401);
              assertThat(e.agentSubject()).isNull();
              assertThat(e.clientId()).isNull();
            });
    assertThat(unauthenticated.stream().flatMap(e -> e.patients().stream()))
        .containsExactlyInAnyOrder("p-4", "p-5");
  }

  @Test
  void withTheBrokerUnreachableReadsGet503WithRetryAfterOnceTheDeadlinePassed() throws Exception {
    int closed = FreePorts.next();
    start(
        "127.0.0.1:" + closed,
        false,
        "--vitalflow.audit.delivery-timeout=1s",
        "--vitalflow.audit.max-pending=100");
    AuditHealthIndicator health = app.getBean(AuditHealthIndicator.class);
    Handlers.served.set(0);

    // the first event only waits in the buffer: served
    assertThat(send("GET", "/fhir/Patient/p-1", null).statusCode()).isEqualTo(200);
    assertThat(Handlers.served.get()).isEqualTo(1);

    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> health.health().getStatus().equals(Status.DOWN));
    HttpResponse<String> refused = send("GET", "/fhir/Patient/p-1", null);
    assertThat(refused.statusCode()).isEqualTo(503);
    assertThat(refused.headers().firstValue("Retry-After")).hasValue("5");
    assertThat(refused.headers().firstValue("Content-Type")).hasValue("application/problem+json");
    assertThat(refused.body()).contains("audit trail").doesNotContain("resourceType");
    assertThat(Handlers.served.get()).as("the handler did not run").isEqualTo(1);
  }

  @Test
  void anAnswerWhoseEventTheTrailRefusesIsReplacedBy503() throws Exception {
    start(
        "127.0.0.1:" + FreePorts.next(),
        false,
        "--vitalflow.audit.delivery-timeout=30s",
        "--vitalflow.audit.max-pending=1");
    HttpResponse<String> answer = send("GET", "/fhir/Patient/p-1/$fill", null);
    assertThat(answer.statusCode()).isEqualTo(503);
    assertThat(answer.headers().firstValue("Retry-After")).hasValue("5");
    assertThat(answer.body()).contains("audit trail").doesNotContain("secret");
  }

  private static AuditRecord only(List<AuditRecord> events, AuditSubtype subtype) {
    List<AuditRecord> of = events.stream().filter(e -> e.subtype() == subtype).toList();
    assertThat(of).as(subtype.code()).hasSize(1);
    return of.get(0);
  }

  /** Every event on the topic, once {@code expected} arrived and nothing more for a second. */
  private List<AuditRecord> read(String prefix, int expected) {
    List<AuditRecord> events = new ArrayList<>();
    try (KafkaConsumer<String, String> consumer =
        new KafkaConsumer<>(
            Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                stack.kafkaBootstrap(),
                ConsumerConfig.GROUP_ID_CONFIG,
                prefix + "reader",
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG,
                "earliest"),
            new StringDeserializer(),
            new StringDeserializer())) {
      consumer.subscribe(Set.of(prefix + "audit.v1"));
      long quietUntil = 0;
      long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
      while (System.nanoTime() < deadline) {
        var records = consumer.poll(Duration.ofMillis(200));
        for (ConsumerRecord<String, String> record : records) {
          events.add(AuditEvents.fromJson(record.value()));
        }
        if (events.size() >= expected) {
          if (quietUntil == 0) {
            quietUntil = System.nanoTime() + Duration.ofSeconds(1).toNanos();
          } else if (System.nanoTime() > quietUntil) {
            break;
          }
        }
      }
    }
    return events;
  }
}
