package io.vitalflow.dashboard.push;

import java.net.URI;
import java.time.Duration;
import org.springframework.http.HttpHeaders;
import org.springframework.web.reactive.socket.CloseStatus;
import org.springframework.web.reactive.socket.client.ReactorNettyWebSocketClient;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;

/**
 * A test WebSocket client: sends text, records what it gets, pings every 300 ms unless told to be
 * silent.
 */
final class WsClient implements AutoCloseable {

  final Received received = new Received();
  private final Sinks.Many<String> outgoing = Sinks.many().unicast().onBackpressureBuffer();
  private final Sinks.One<CloseStatus> closeStatus = Sinks.one();
  private final Disposable connection;

  WsClient(String url, boolean keepAlive) {
    this(url, new HttpHeaders(), keepAlive);
  }

  /** With handshake headers ({@code Authorization}, {@code Origin}). */
  WsClient(String url, HttpHeaders headers, boolean keepAlive) {
    Flux<String> out =
        keepAlive
            ? Flux.merge(
                outgoing.asFlux(),
                Flux.interval(Duration.ofMillis(300)).map(tick -> "{\"type\":\"ping\"}"))
            : outgoing.asFlux();
    connection =
        new ReactorNettyWebSocketClient()
            .execute(
                URI.create(url),
                headers,
                session -> {
                  session.closeStatus().subscribe(closeStatus::tryEmitValue);
                  Mono<Void> send = session.send(out.map(session::textMessage));
                  Mono<Void> receive =
                      session
                          .receive()
                          .doOnNext(message -> received.add(message.getPayloadAsText()))
                          .then();
                  return Mono.firstWithSignal(send, receive);
                })
            .subscribe();
  }

  void send(String json) {
    outgoing.tryEmitNext(json);
  }

  CloseStatus awaitClose(Duration timeout) {
    return closeStatus.asMono().block(timeout);
  }

  @Override
  public void close() {
    connection.dispose();
  }
}
