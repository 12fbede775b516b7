package io.vitalflow.dashboard.push;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.http.codec.ServerSentEvent;
import org.springframework.web.reactive.function.client.WebClient;
import reactor.core.Disposable;

/** A test SSE client: records the data of each event and the ids it saw. */
final class SseClient implements AutoCloseable {

  final Received received = new Received();
  private final List<String> ids = new ArrayList<>();
  private final Disposable connection;
  private final CountDownLatch ended = new CountDownLatch(1);

  SseClient(WebClient client, String pathAndQuery, String lastEventId) {
    this(client, pathAndQuery, lastEventId, null);
  }

  /** With {@code Authorization: Bearer <token>} when {@code token} is not null. */
  SseClient(WebClient client, String pathAndQuery, String lastEventId, String token) {
    connection =
        client
            .get()
            .uri(pathAndQuery)
            .headers(
                headers -> {
                  if (lastEventId != null) {
                    headers.set("Last-Event-ID", lastEventId);
                  }
                  if (token != null) {
                    headers.setBearerAuth(token);
                  }
                })
            .retrieve()
            .bodyToFlux(new ParameterizedTypeReference<ServerSentEvent<String>>() {})
            .subscribe(
                event -> {
                  synchronized (ids) {
                    if (event.id() != null) {
                      ids.add(event.id());
                    }
                  }
                  if (event.data() != null) {
                    received.add(event.data());
                  }
                },
                error -> ended.countDown(),
                ended::countDown);
  }

  /** Whether the server ended the stream within {@code timeout}. */
  boolean awaitEnd(Duration timeout) throws InterruptedException {
    return ended.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** The last {@code id:} seen, as a browser would send it in {@code Last-Event-ID}. */
  String lastEventId() {
    synchronized (ids) {
      return ids.isEmpty() ? null : ids.get(ids.size() - 1);
    }
  }

  @Override
  public void close() {
    connection.dispose();
  }
}
