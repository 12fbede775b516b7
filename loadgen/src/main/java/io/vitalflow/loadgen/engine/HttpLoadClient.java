package io.vitalflow.loadgen.engine;

import io.netty.channel.ChannelOption;
import io.netty.channel.ConnectTimeoutException;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.timeout.ReadTimeoutException;
import io.vitalflow.auth.TokenException;
import io.vitalflow.loadgen.auth.Bearer;
import java.net.ConnectException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeoutException;
import reactor.core.publisher.Mono;
import reactor.netty.http.client.HttpClient;
import reactor.netty.http.client.PrematureCloseException;
import reactor.netty.resources.ConnectionProvider;
import reactor.netty.resources.LoopResources;

/**
 * The load generator's HTTP/1.1 client on Reactor Netty: keep-alive connections from a bounded
 * pool, requests queued for a free connection instead of opening more, a response timeout per
 * request. The JDK's HttpClient cost about a core at 1,300 requests/s here; this one answers on its
 * event loops and keeps the generator off the critical path. Futures complete on an event loop:
 * callbacks must be short and must not block.
 *
 * <p>Every request carries the run's {@link Bearer} ({@code Authorization: Bearer <token>}, renewed
 * before it expires), unless the run has none ({@code --no-auth}).
 */
public final class HttpLoadClient implements AutoCloseable {

  /** A response: status, body as UTF-8 text, headers. */
  public record Answer(int status, String body, HttpHeaders headers) {

    /** The first value of header {@code name} (case-insensitive), or null. */
    public String header(String name) {
      return headers.get(name);
    }
  }

  private final LoopResources loops;
  private final ConnectionProvider pool;
  private final HttpClient client;
  private final Bearer bearer;

  /**
   * @param maxConnections connections per host at most; further requests wait for one
   * @param timeout how long a request may wait for its response (and connect), then it fails with
   *     "timeout"
   * @param bearer the {@code Authorization} every request carries
   */
  public HttpLoadClient(int maxConnections, Duration timeout, Bearer bearer) {
    this.bearer = bearer;
    this.loops =
        LoopResources.create(
            "loadgen-http", Math.max(1, Runtime.getRuntime().availableProcessors()), true);
    this.pool =
        ConnectionProvider.builder("loadgen-http")
            .maxConnections(maxConnections)
            .pendingAcquireMaxCount(-1)
            .pendingAcquireTimeout(timeout.plusSeconds(60))
            .build();
    this.client =
        HttpClient.create(pool)
            .runOn(loops)
            .keepAlive(true)
            .compress(false)
            .option(
                ChannelOption.CONNECT_TIMEOUT_MILLIS,
                (int) Math.min(Integer.MAX_VALUE, timeout.toMillis()))
            .responseTimeout(timeout);
  }

  public CompletableFuture<Answer> get(URI uri, String accept) {
    return send(HttpMethod.GET, uri, Map.of("Accept", accept), null);
  }

  public CompletableFuture<Answer> delete(URI uri) {
    return send(HttpMethod.DELETE, uri, Map.of(), null);
  }

  public CompletableFuture<Answer> post(URI uri, String contentType, String body) {
    return send(
        HttpMethod.POST,
        uri,
        Map.of("Content-Type", contentType, "Accept", contentType),
        body.getBytes(StandardCharsets.UTF_8));
  }

  /** Sends one request; the future fails with the transport error (see {@link #failureKind}). */
  public CompletableFuture<Answer> send(
      HttpMethod method, URI uri, Map<String, String> headers, byte[] body) {
    String authorization;
    try {
      authorization = bearer.header();
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
    HttpClient.RequestSender sender =
        client
            .headers(
                h -> {
                  if (authorization != null) {
                    h.set(HttpHeaderNames.AUTHORIZATION, authorization);
                  }
                  headers.forEach(h::set);
                  if (body != null) {
                    h.set(HttpHeaderNames.CONTENT_LENGTH, body.length);
                  }
                })
            .request(method)
            .uri(uri);
    HttpClient.ResponseReceiver<?> receiver =
        body == null
            ? sender
            : sender.send((request, outbound) -> outbound.sendByteArray(Mono.just(body)));
    return receiver
        .responseSingle(
            (response, content) ->
                content
                    .asString(StandardCharsets.UTF_8)
                    .defaultIfEmpty("")
                    .map(
                        text ->
                            new Answer(response.status().code(), text, response.responseHeaders())))
        .toFuture();
  }

  /**
   * A short name for why a request failed: {@code timeout}, {@code connection refused}, or the
   * error's type.
   */
  public static String failureKind(Throwable error) {
    Throwable cause = error;
    while ((cause instanceof CompletionException || cause.getClass() == RuntimeException.class)
        && cause.getCause() != null) {
      cause = cause.getCause();
    }
    if (cause instanceof ReadTimeoutException
        || cause instanceof TimeoutException
        || cause instanceof ConnectTimeoutException
        || cause instanceof java.net.http.HttpTimeoutException) {
      return "timeout";
    }
    if (cause instanceof ConnectException || cause.getCause() instanceof ConnectException) {
      return "connection refused";
    }
    if (cause instanceof TokenException) {
      return "token refused";
    }
    if (cause instanceof PrematureCloseException) {
      return "connection closed";
    }
    return cause.getClass().getSimpleName();
  }

  @Override
  public void close() {
    pool.disposeLater().block(Duration.ofSeconds(5));
    loops.disposeLater(Duration.ZERO, Duration.ofSeconds(2)).block(Duration.ofSeconds(5));
  }
}
