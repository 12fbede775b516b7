package io.vitalflow.dashboard.push;

import java.util.ArrayList;
import java.util.List;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.http.codec.ServerSentEvent;
import org.springframework.web.reactive.function.client.WebClient;
import reactor.core.Disposable;

/** A test SSE client: records the data of each event and the ids it saw. */
final class SseClient implements AutoCloseable {

  final Received received = new Received();
  private final List<String> ids = new ArrayList<>();
  private final Disposable connection;

  SseClient(WebClient client, String pathAndQuery, String lastEventId) {
    connection =
        client
            .get()
            .uri(pathAndQuery)
            .headers(
                headers -> {
                  if (lastEventId != null) {
                    headers.set("Last-Event-ID", lastEventId);
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
                });
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
