package io.vitalflow.audit.web;

import io.micrometer.observation.contextpropagation.ObservationThreadLocalAccessor;
import io.vitalflow.audit.AuditOutcome;
import io.vitalflow.audit.AuditRecord;
import io.vitalflow.audit.AuditSubtype;
import io.vitalflow.audit.AuditTrail;
import io.vitalflow.audit.AuditUnavailableException;
import io.vitalflow.kafka.RecordTracing;
import io.vitalflow.web.OverloadAnswer;
import io.vitalflow.web.security.Caller;
import io.vitalflow.web.security.Callers;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Pattern;
import org.apache.kafka.common.header.Header;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.Ordered;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import org.springframework.web.util.UriUtils;
import org.springframework.web.util.pattern.PathPattern;
import org.springframework.web.util.pattern.PathPatternParser;
import reactor.core.publisher.Mono;
import reactor.core.publisher.SignalType;
import reactor.util.context.ContextView;

/**
 * One {@link AuditRecord} per HTTP request of a service, recorded just before the response is
 * committed (its status known, nothing sent yet), failing closed.
 *
 * <p>Runs right after Spring Security's filter chain (so {@link Callers#current()} is the token's
 * caller). Before the handler: {@link AuditTrail#admit()}; while the trail cannot deliver, the
 * request gets 503 with {@code Retry-After} (the service's {@link OverloadAnswer} body: an
 * OperationOutcome under {@code /fhir}) and the handler does not run. At commit: the event is
 * recorded; if the trail refuses it, a successful answer is replaced by that 503 (an error answer,
 * which discloses nothing, goes out and the trail counts the event as failed). A request whose
 * client went away before any answer is recorded with status 499.
 *
 * <p>Requests the security chain refused never reach this filter; {@link AuditRefusalListener}
 * records those. Excluded paths ({@code vitalflow.audit.excluded-paths}) and {@code OPTIONS} (CORS
 * preflight) are not audited.
 *
 * <p>Tracing: when the request's server span is sampled, its event's record on {@code audit.v1}
 * carries the span's context in its headers ({@code traceparent}), so an audit event names the
 * trace of the request it records.
 */
public final class AuditWebFilter implements WebFilter, Ordered {

  /** Right after Spring Security's {@code WebFilterChainProxy} (order -100). */
  public static final int ORDER = -99;

  /** The status recorded when the client went away before the answer (as nginx logs it). */
  static final int CLIENT_GONE = 499;

  private static final Pattern LOCATION =
      Pattern.compile("(?:^|/)([A-Z][A-Za-z]{1,63})/([A-Za-z0-9\\-.]{1,64})(?:/_history/[^/]*)?$");

  private static final Logger log = LoggerFactory.getLogger(AuditWebFilter.class);

  private final AuditTrail trail;
  private final String service;
  private final OverloadAnswer answer;
  private final List<Excluded> excluded;
  private final RecordTracing tracing;

  public AuditWebFilter(
      AuditTrail trail, String service, OverloadAnswer answer, List<String> excludedPaths) {
    this(trail, service, answer, excludedPaths, RecordTracing.OFF);
  }

  /**
   * @param tracing carries a traced request's context into its event's record ({@link
   *     RecordTracing#OFF}: none)
   */
  public AuditWebFilter(
      AuditTrail trail,
      String service,
      OverloadAnswer answer,
      List<String> excludedPaths,
      RecordTracing tracing) {
    this.tracing = Objects.requireNonNull(tracing, "tracing");
    if (!AuditRecord.isService(service)) {
      throw new IllegalStateException(
          "spring.application.name must be a lower-case service name like fhir-api to audit"
              + " requests (vitalflow.audit.enabled)");
    }
    this.trail = trail;
    this.service = service;
    this.answer = answer;
    this.excluded = excludedPaths.stream().map(Excluded::of).toList();
  }

  @Override
  public int getOrder() {
    return ORDER;
  }

  /** Whether requests to {@code path} are audited (refusals always are). */
  boolean audited(ServerHttpRequest request) {
    if (request.getMethod() == HttpMethod.OPTIONS) {
      return false;
    }
    var path = request.getPath().pathWithinApplication();
    String raw = path.value();
    for (Excluded pattern : excluded) {
      if (pattern.mayMatch(raw) && pattern.pattern().matches(path)) {
        return false;
      }
    }
    return true;
  }

  /**
   * An excluded path pattern with the literal text before its first and after its last wildcard: a
   * path without both is not matched, and is passed over without the pattern's matcher (which
   * allocates a context per call; a FHIR request was checked against a dozen patterns). A path that
   * only matches once decoded is then audited, never the other way round.
   */
  private record Excluded(PathPattern pattern, String prefix, String suffix, boolean literal) {

    static Excluded of(String text) {
      PathPattern pattern = PathPatternParser.defaultInstance.parse(text);
      int first = firstWildcard(text);
      if (first < 0) {
        return new Excluded(pattern, text, "", true);
      }
      int last = first;
      for (int i = first; i < text.length(); i++) {
        if (isWildcard(text.charAt(i))) {
          last = i;
        }
      }
      return new Excluded(pattern, text.substring(0, first), text.substring(last + 1), false);
    }

    boolean mayMatch(String path) {
      return literal
          ? path.equals(prefix)
          : path.length() >= prefix.length() + suffix.length()
              && path.startsWith(prefix)
              && path.endsWith(suffix);
    }

    private static int firstWildcard(String text) {
      for (int i = 0; i < text.length(); i++) {
        if (isWildcard(text.charAt(i))) {
          return i;
        }
      }
      return -1;
    }

    private static boolean isWildcard(char c) {
      return c == '*' || c == '?' || c == '{' || c == '}';
    }
  }

  @Override
  public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
    if (!audited(exchange.getRequest())) {
      return chain.filter(exchange);
    }
    return Callers.current()
        .flatMap(
            caller ->
                Mono.deferContextual(context -> audit(exchange, chain, caller, traceOf(context))));
  }

  /** The headers that carry the request's server span, if it is sampled; empty otherwise. */
  private List<Header> traceOf(ContextView context) {
    if (tracing == RecordTracing.OFF) {
      return List.of();
    }
    return tracing.headersOf(
        RecordTracing.spanOf(context.getOrDefault(ObservationThreadLocalAccessor.KEY, null)));
  }

  private Mono<Void> audit(
      ServerWebExchange exchange, WebFilterChain chain, Caller caller, List<Header> trace) {
    try {
      trail.admit();
    } catch (AuditUnavailableException e) {
      return unavailable(exchange, e);
    }
    AuditDetails details = new AuditDetails();
    exchange.getAttributes().put(AuditDetails.ATTRIBUTE, details);
    AtomicBoolean recorded = new AtomicBoolean();
    ServerHttpResponse response = exchange.getResponse();
    response.beforeCommit(
        () ->
            Mono.defer(
                () -> {
                  if (!recorded.compareAndSet(false, true)) {
                    return Mono.empty();
                  }
                  int status = status(response);
                  try {
                    record(exchange, details, caller, status, trace);
                  } catch (AuditUnavailableException e) {
                    if (status < 400) {
                      return Mono.error(e); // the handler's answer must not go out
                    }
                  }
                  return Mono.empty();
                }));
    return chain
        .filter(exchange)
        .onErrorResume(
            AuditUnavailableException.class,
            e -> response.isCommitted() ? Mono.error(e) : unavailable(exchange, e))
        .doFinally(
            signal -> {
              // an error is answered later by the exception handlers (the commit records it); only
              // a
              // client that went away leaves a request without any answer
              if (signal == SignalType.CANCEL
                  && !response.isCommitted()
                  && recorded.compareAndSet(false, true)) {
                try {
                  record(exchange, details, caller, CLIENT_GONE, trace);
                } catch (AuditUnavailableException e) {
                  log.debug("Audit event of an abandoned request refused");
                }
              }
            });
  }

  private void record(
      ServerWebExchange exchange,
      AuditDetails details,
      Caller caller,
      int status,
      List<Header> trace) {
    ServerHttpRequest request = exchange.getRequest();
    AuditRecord record;
    try {
      record =
          build(
              service,
              request,
              details,
              agentOf(details.agent() != null ? details.agent() : caller),
              status,
              exchange.getResponse().getHeaders().getFirst(HttpHeaders.LOCATION));
    } catch (IllegalArgumentException e) {
      // every field is checked before it is added: this is a bug, and the message names no value
      log.warn(
          "Audit event of a {} request could not be built: {}",
          request.getMethod(),
          e.getMessage());
      return;
    }
    trail.record(record, trace);
  }

  /** The record of a request: subtype and ids from the path, what the handler added, the caller. */
  static AuditRecord build(
      String service,
      ServerHttpRequest request,
      AuditDetails details,
      Caller agent,
      int status,
      String location) {
    String path =
        UriUtils.decode(request.getPath().pathWithinApplication().value(), StandardCharsets.UTF_8);
    AuditRequests.Classified what =
        AuditRequests.classify(request.getMethod().name(), path, request.getQueryParams());
    AuditSubtype refusal = details.refusal();
    AuditSubtype handlerSubtype = details.subtype();
    AuditRecord.Builder builder;
    if (refusal != null) {
      builder = AuditRecord.builder(service, refusal);
      status = details.refusalStatus() == 0 ? status : details.refusalStatus();
    } else if (handlerSubtype != null) {
      builder = AuditRecord.builder(service, handlerSubtype);
    } else {
      builder = AuditRecord.builder(service, what.subtype()).action(what.action());
    }
    builder
        .status(status)
        .patients(what.patients())
        .entities(what.entities())
        .entities(created(what.subtype(), status, location))
        .patients(details.patients())
        .entities(details.entities())
        .source(sourceOf(request))
        .requestId(tokenOrNull(request.getHeaders().getFirst("X-Request-Id")));
    if (status == CLIENT_GONE) {
      builder.outcome(AuditOutcome.MINOR_FAILURE);
    }
    if (agent != null) {
      builder.agent(token(agent.subject()), token(agent.clientId()));
    }
    return builder.build();
  }

  /**
   * The resource a create (or an update that created) made, from its {@code Location}: {@code
   * .../Type/id/_history/vid} gives {@code Type/id} (a {@code Patient/id} counts as a patient).
   */
  static List<String> created(AuditSubtype subtype, int status, String location) {
    if (location == null
        || status >= 300
        || (subtype != AuditSubtype.CREATE && subtype != AuditSubtype.UPDATE)) {
      return List.of();
    }
    var m = LOCATION.matcher(location);
    if (!m.find()) {
      return List.of();
    }
    String reference = m.group(1) + "/" + m.group(2);
    return AuditRecord.isReference(reference) ? List.of(reference) : List.of();
  }

  /**
   * The caller to name; null when unauthenticated: {@link Caller#ANONYMOUS} (an open path, a
   * refusal by the chain) and {@link Caller#UNSECURED} (security switched off).
   */
  static Caller agentOf(Caller caller) {
    return caller == null || caller == Caller.UNSECURED || caller == Caller.ANONYMOUS
        ? null
        : caller;
  }

  /** The 503 of a trail that cannot deliver: the service's own error format, with Retry-After. */
  Mono<Void> unavailable(ServerWebExchange exchange, AuditUnavailableException e) {
    ServerHttpResponse response = exchange.getResponse();
    if (response.isCommitted()) {
      return Mono.error(e);
    }
    OverloadAnswer.Body body =
        answer.body(
            503,
            exchange.getRequest().getPath().value(),
            "The audit trail cannot record this request now, so it is not served; try again later.");
    HttpHeaders headers = response.getHeaders();
    headers.clear();
    response.setStatusCode(HttpStatus.SERVICE_UNAVAILABLE);
    headers.set(HttpHeaders.RETRY_AFTER, Long.toString(Math.max(1, e.retryAfter().toSeconds())));
    headers.set(HttpHeaders.CONTENT_TYPE, body.contentType());
    headers.setContentLength(body.bytes().length);
    DataBuffer buffer = response.bufferFactory().wrap(body.bytes());
    return response.writeWith(Mono.just(buffer));
  }

  static int status(ServerHttpResponse response) {
    HttpStatusCode code = response.getStatusCode();
    return code == null ? 200 : code.value();
  }

  static String sourceOf(ServerHttpRequest request) {
    InetSocketAddress remote = request.getRemoteAddress();
    if (remote == null || remote.getAddress() == null) {
      return null;
    }
    String address = remote.getAddress().getHostAddress();
    return AuditRecord.isAddress(address) ? address : null;
  }

  private static String tokenOrNull(String value) {
    return AuditRecord.isToken(value) ? value : null;
  }

  /**
   * A subject or client id as a record takes it: characters outside printable ASCII (spaces in a
   * user's display name) become {@code _}, at most 256 of them.
   */
  static String token(String value) {
    if (value == null || value.isEmpty()) {
      return null;
    }
    if (AuditRecord.isToken(value)) {
      return value;
    }
    StringBuilder out = new StringBuilder(Math.min(value.length(), 256));
    for (int i = 0; i < value.length() && out.length() < 256; i++) {
      char c = value.charAt(i);
      out.append(c > 0x20 && c < 0x7f ? c : '_');
    }
    return out.toString();
  }
}
