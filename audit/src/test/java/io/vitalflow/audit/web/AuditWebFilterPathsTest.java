package io.vitalflow.audit.web;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vitalflow.audit.AuditTrail;
import io.vitalflow.web.OverloadAnswer;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.http.HttpMethod;
import org.springframework.http.server.PathContainer;
import org.springframework.mock.http.server.reactive.MockServerHttpRequest;
import org.springframework.web.util.pattern.PathPattern;
import org.springframework.web.util.pattern.PathPatternParser;

/** Which requests are audited: exactly those no excluded pattern matches (quick checks or not). */
class AuditWebFilterPathsTest {

  private static final List<String> PATTERNS =
      List.of(
          "/a?c",
          "/api/{id}/x",
          "/*.css",
          "/actuator/health/**",
          "/fhir/.well-known/**",
          "/index.html",
          "/*.js",
          "/actuator/health",
          "/");

  @Test
  void auditedUnlessAnExcludedPatternMatches() {
    AuditWebFilter filter =
        new AuditWebFilter(
            AuditTrail.disabled(new SimpleMeterRegistry()),
            "fhir-api",
            OverloadAnswer::problem,
            PATTERNS);
    List<PathPattern> patterns =
        PATTERNS.stream().map(PathPatternParser.defaultInstance::parse).toList();
    List<String> paths =
        List.of(
            "/",
            "/fhir",
            "/fhir/Patient/1",
            "/fhir/Patient/1/_history/2",
            "/fhir/.well-known/smart-configuration",
            "/.well-known/openid-configuration",
            "/actuator/health",
            "/actuator/health/readiness",
            "/actuator/healthz",
            "/actuator/prometheus",
            "/index.html",
            "/index.htm",
            "/app.js",
            "/dir/app.js",
            "/style.css",
            "/favicon.ico",
            "/api/7/x",
            "/api/7/y",
            "/abc",
            "/abbc",
            "/ws/alerts");
    for (String path : paths) {
      boolean excluded = patterns.stream().anyMatch(p -> p.matches(PathContainer.parsePath(path)));
      var request = MockServerHttpRequest.get(path).build();
      assertThat(filter.audited(request)).as(path).isEqualTo(!excluded);
    }
    assertThat(filter.audited(MockServerHttpRequest.method(HttpMethod.OPTIONS, "/fhir").build()))
        .isFalse();
  }
}
