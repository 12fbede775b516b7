package io.vitalflow.dashboard.push;

import io.vitalflow.dashboard.DashboardProperties;
import io.vitalflow.dashboard.access.AccessPolicy;
import io.vitalflow.dashboard.access.Admission;
import io.vitalflow.dashboard.access.ClientIdentity;
import io.vitalflow.dashboard.push.protocol.CloseReason;
import io.vitalflow.dashboard.push.protocol.Frame;
import io.vitalflow.dashboard.push.protocol.Messages;
import io.vitalflow.dashboard.push.protocol.Payloads;
import io.vitalflow.dashboard.push.protocol.Payloads.AckValue;
import io.vitalflow.dashboard.push.protocol.Payloads.PatientSnapshot;
import io.vitalflow.dashboard.push.protocol.Payloads.VitalValue;
import io.vitalflow.dashboard.push.protocol.ResumeToken;
import io.vitalflow.dashboard.push.state.DashboardStore;
import io.vitalflow.dashboard.push.state.Hub;
import io.vitalflow.dashboard.push.state.LiveState;
import io.vitalflow.dashboard.push.transport.Connection;
import io.vitalflow.dashboard.push.transport.Transport;
import io.vitalflow.dashboard.ward.Ids;
import io.vitalflow.dashboard.ward.WardAssignments;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;

/**
 * The protocol, the same for both transports: opens connections, handles client messages
 * (subscribe, unsubscribe, ack, ping), follows ward moves, sends heartbeats and reaps silent
 * WebSockets.
 */
public final class DashboardService {

  /** What became of one client message; {@code error} is null when it was accepted. */
  public record Outcome(String error, String message) {
    static final Outcome OK = new Outcome(null, null);

    public boolean ok() {
      return error == null;
    }
  }

  private static final Logger log = LoggerFactory.getLogger(DashboardService.class);

  private final DashboardProperties properties;
  private final Hub hub;
  private final LiveState state;
  private final DashboardStore store;
  private final WardAssignments wards;
  private final AccessPolicy access;
  private final PushMetrics metrics;
  private final Map<String, Connection> sseById = new ConcurrentHashMap<>();
  private final Consumer<Connection> onClosed = this::closed;

  DashboardService(
      DashboardProperties properties,
      Hub hub,
      LiveState state,
      DashboardStore store,
      WardAssignments wards,
      AccessPolicy access,
      PushMetrics metrics) {
    this.properties = properties;
    this.hub = hub;
    this.state = state;
    this.store = store;
    this.wards = wards;
    this.access = access;
    this.metrics = metrics;
    wards.onMove(this::wardMove);
  }

  public Connection open(Transport transport, ClientIdentity identity) {
    return open(transport, new Admission(identity, Long.MAX_VALUE));
  }

  /** A connection of an admitted client; it ends when the admission's token expires. */
  public Connection open(Transport transport, Admission admission) {
    Connection connection =
        new Connection(
            transport,
            admission.identity(),
            admission.expiresAtMillis(),
            properties.queueCapacity(),
            metrics);
    if (transport == Transport.SSE) {
      sseById.put(connection.id(), connection); // only SSE clients post messages by connection id
    }
    hub.opened(connection);
    connection.whenClosed(onClosed);
    log.debug("Opened {} connection", transport.tag);
    return connection;
  }

  /** Who may watch which patient (the ward API asks it too). */
  public AccessPolicy access() {
    return access;
  }

  /** The open SSE connection with this id, or null. */
  public Connection find(String connectionId) {
    return sseById.get(connectionId);
  }

  public void closed(Connection connection) {
    if (connection.transport == Transport.SSE) {
      sseById.remove(connection.id());
    }
    if (hub.closed(connection)) {
      log.debug("Closed {} connection", connection.transport.tag);
    }
  }

  /**
   * The subscription named in a connection URL ({@code patients=a,b} or {@code ward=w}), if any.
   */
  public Mono<Outcome> subscribeFromQuery(
      Connection connection, String patients, String ward, String resume) {
    if ((patients == null || patients.isBlank()) && (ward == null || ward.isBlank())) {
      // no subscription yet: say hello so the client learns its connection id
      hub.subscribe(connection, Connection.Subscription.NONE, null, null, ids -> List.of());
      return Mono.just(Outcome.OK);
    }
    List<String> list =
        patients == null || patients.isBlank() ? null : List.of(patients.split(",", -1));
    return subscribe(
            connection,
            list,
            ward == null || ward.isBlank() ? null : ward,
            ResumeToken.parse(resume),
            null)
        .doOnNext(
            outcome -> {
              if (!outcome.ok()) {
                // refused: the client still learns its connection id (SSE clients need it to try
                // again)
                hub.subscribe(
                    connection, Connection.Subscription.NONE, null, null, ids -> List.of());
              }
            });
  }

  /** Handles one client message; an error is also sent to the connection. */
  public Mono<Outcome> receive(Connection connection, String text) {
    connection.heard();
    JsonNode message;
    try {
      message = Messages.parse(text);
    } catch (JacksonException e) {
      return Mono.just(reject(connection, "malformed", "the message is not JSON", null, null));
    }
    if (message == null || !message.isObject()) {
      return Mono.just(
          reject(connection, "malformed", "the message must be a JSON object", null, null));
    }
    String requestId = string(message, "requestId");
    String type = string(message, "type");
    if (type == null) {
      return Mono.just(
          reject(connection, "malformed", "the message has no string 'type'", requestId, null));
    }
    return switch (type) {
      case "ping" -> {
        hub.send(
            connection,
            Frame.control(
                "heartbeat", Messages.heartbeat(hub.currentSeq(), Instant.now(), requestId)));
        yield Mono.just(Outcome.OK);
      }
      case "subscribe" -> subscribeMessage(connection, message, requestId);
      case "unsubscribe" -> unsubscribe(connection, message, requestId);
      case "ack" -> ack(connection, string(message, "alertId"), requestId);
      default ->
          Mono.just(
              reject(
                  connection,
                  "unknown-type",
                  "unknown message type '" + abbreviate(type) + "'",
                  requestId,
                  null));
    };
  }

  /** A binary WebSocket frame: not part of the protocol. */
  public Mono<Outcome> binary(Connection connection) {
    return Mono.just(
        reject(
            connection,
            "malformed",
            "binary frames are not part of the protocol; send JSON text",
            null,
            null));
  }

  private Mono<Outcome> subscribeMessage(
      Connection connection, JsonNode message, String requestId) {
    String ward = string(message, "ward");
    JsonNode patients = message.get("patients");
    List<String> list = null;
    if (patients != null) {
      if (!patients.isArray()) {
        return Mono.just(
            reject(connection, "invalid", "'patients' must be an array of ids", requestId, null));
      }
      list = new ArrayList<>();
      for (JsonNode patient : patients) {
        if (!patient.isString()) {
          return Mono.just(
              reject(connection, "invalid", "'patients' must be an array of ids", requestId, null));
        }
        list.add(patient.stringValue());
      }
    }
    return subscribe(
        connection, list, ward, ResumeToken.parse(string(message, "resume")), requestId);
  }

  private Mono<Outcome> subscribe(
      Connection connection,
      List<String> patients,
      String ward,
      ResumeToken resume,
      String requestId) {
    if ((patients == null) == (ward == null)) {
      return Mono.just(
          reject(
              connection,
              "invalid",
              "subscribe to either 'patients' or a 'ward'",
              requestId,
              null));
    }
    Set<String> chosen;
    if (ward != null) {
      if (!Ids.valid(ward)) {
        return Mono.just(reject(connection, "invalid", "invalid ward id", requestId, null));
      }
      if (!access.mayWatchWard(connection.identity, ward)) {
        return Mono.just(
            reject(
                connection,
                "forbidden",
                "not allowed to watch this ward; the subscription is unchanged",
                requestId,
                null));
      }
      chosen = visible(connection.identity, wards.patients(ward));
    } else {
      chosen = new LinkedHashSet<>();
      for (String patientId : patients) {
        if (!Ids.valid(patientId.trim())) {
          return Mono.just(reject(connection, "invalid", "invalid patient id", requestId, null));
        }
        chosen.add(patientId.trim());
      }
      List<String> refused =
          chosen.stream().filter(id -> !access.maySee(connection.identity, id)).toList();
      if (!refused.isEmpty()) {
        return Mono.just(
            reject(
                connection,
                "forbidden",
                "not allowed to watch some of these patients; the subscription is unchanged",
                requestId,
                refused));
      }
    }
    if (chosen.size() > properties.maxPatientsPerSubscription()) {
      return Mono.just(
          reject(
              connection,
              "invalid",
              "too many patients in one subscription (at most "
                  + properties.maxPatientsPerSubscription()
                  + ")",
              requestId,
              null));
    }
    Connection.Subscription subscription =
        new Connection.Subscription(ward, Collections.unmodifiableSet(chosen));
    List<String> needStored = chosen.stream().filter(id -> !state.hasVitals(id)).toList();
    return store
        .latestVitals(needStored)
        .onErrorResume(
            e -> {
              log.warn("Cannot read stored latest values for a snapshot: {}", e.toString());
              return Mono.just(Map.of());
            })
        .map(
            stored -> {
              hub.subscribe(
                  connection, subscription, resume, requestId, ids -> snapshot(ids, stored));
              return Outcome.OK;
            });
  }

  private List<PatientSnapshot> snapshot(
      Set<String> patientIds, Map<String, List<VitalValue>> stored) {
    List<PatientSnapshot> snapshots = new ArrayList<>(patientIds.size());
    for (String patientId : patientIds) {
      snapshots.add(
          state.snapshot(
              patientId, wards.wardOf(patientId), stored.getOrDefault(patientId, List.of())));
    }
    return snapshots;
  }

  private Mono<Outcome> unsubscribe(Connection connection, JsonNode message, String requestId) {
    Connection.Subscription current = connection.subscription();
    JsonNode patients = message.get("patients");
    Set<String> remaining = new LinkedHashSet<>();
    if (patients != null && patients.isArray()) {
      remaining.addAll(current.patients());
      patients.forEach(
          patient -> remaining.remove(patient.isString() ? patient.stringValue() : ""));
    } else if (patients != null) {
      return Mono.just(
          reject(connection, "invalid", "'patients' must be an array of ids", requestId, null));
    }
    // what is left is an explicit list; its snapshot is small and keeps the client's view
    // consistent
    Connection.Subscription next =
        new Connection.Subscription(null, Collections.unmodifiableSet(remaining));
    hub.subscribe(connection, next, null, requestId, ids -> snapshot(ids, Map.of()));
    return Mono.just(Outcome.OK);
  }

  private Mono<Outcome> ack(Connection connection, String alertId, String requestId) {
    if (alertId == null || alertId.isBlank() || alertId.length() > 200) {
      return Mono.just(reject(connection, "invalid", "'alertId' is required", requestId, null));
    }
    String patientId = state.patientOfAlert(alertId);
    if (patientId == null || !access.maySee(connection.identity, patientId)) {
      return Mono.just(reject(connection, "unknown-alert", "no such open alert", requestId, null));
    }
    Instant now = Instant.now();
    AckValue ack = state.acknowledge(alertId, Payloads.time(now), connection.identity.name());
    if (ack == null) {
      return Mono.just(Outcome.OK); // already acknowledged: nothing changes
    }
    hub.publish(patientId, "alert-ack", null, ack);
    return store
        .saveAck(alertId, patientId, now, connection.identity.name())
        .thenReturn(Outcome.OK)
        .onErrorResume(
            e -> {
              log.warn("Cannot store an alert acknowledgement: {}", e.toString());
              return Mono.just(Outcome.OK);
            });
  }

  /** Applies acknowledgements stored by other instances and tells this instance's watchers. */
  void acknowledgedElsewhere(List<AckValue> acks) {
    for (AckValue stored : acks) {
      String patientId = state.patientOfAlert(stored.alertId());
      AckValue applied =
          patientId == null
              ? null
              : state.acknowledge(
                  stored.alertId(), stored.acknowledgedAt(), stored.acknowledgedBy());
      if (applied != null) {
        hub.publish(patientId, "alert-ack", null, applied);
      }
    }
  }

  /**
   * A patient moved: ward subscriptions of both wards follow it (keeping only patients the client
   * may see), and a connection that watches the patient by name but may no longer see it (its user
   * does not look after the new ward) loses it, with an {@code access-revoked} error naming it.
   */
  private void wardMove(WardAssignments.Move move) {
    for (Connection connection : hub.connections()) {
      Connection.Subscription subscription = connection.subscription();
      String ward = subscription.ward();
      if (ward != null) {
        if (ward.equals(move.fromWard()) || ward.equals(move.toWard())) {
          subscribe(connection, null, ward, null, null).subscribe();
        }
      } else if (subscription.patients().contains(move.patientId())
          && !access.maySee(connection.identity, move.patientId())) {
        revoke(connection, move.patientId());
      }
    }
  }

  private void revoke(Connection connection, String patientId) {
    Set<String> remaining = new LinkedHashSet<>(connection.subscription().patients());
    remaining.remove(patientId);
    hub.send(
        connection,
        Frame.control(
            "error",
            Messages.error(
                hub.currentSeq(),
                "access-revoked",
                "no longer allowed to watch this patient (moved to a ward you do not look after);"
                    + " removed from the subscription",
                null,
                List.of(patientId))));
    hub.subscribe(
        connection,
        new Connection.Subscription(null, Collections.unmodifiableSet(remaining)),
        null,
        null,
        ids -> snapshot(ids, Map.of()));
  }

  /**
   * Ends every connection whose token has expired ({@code token-expired}, WebSocket status 4401;
   * the client reconnects with a fresh token). Run every second.
   */
  void expireTokens(long nowMillis) {
    for (Connection connection : hub.connections()) {
      if (connection.expired(nowMillis) && !connection.isClosing()) {
        metrics.tokenExpiryCloses.increment();
        connection.close(CloseReason.TOKEN_EXPIRED);
      }
    }
  }

  /** Closes every connection (shutdown: clients reconnect, to another instance if need be). */
  void closeAll(CloseReason reason) {
    for (Connection connection : hub.connections()) {
      connection.close(reason);
    }
  }

  /** Heartbeat to everyone; WebSockets silent for two intervals are closed. */
  void tick() {
    hub.heartbeat();
    long limit = properties.heartbeatInterval().toNanos() * 2;
    for (Connection connection : hub.connections()) {
      if (connection.transport == Transport.WEBSOCKET && connection.silentNanos() > limit) {
        metrics.idleCloses.increment();
        connection.close(CloseReason.IDLE);
      }
    }
  }

  private Set<String> visible(ClientIdentity identity, Set<String> patients) {
    Set<String> allowed = new LinkedHashSet<>();
    for (String patientId : patients) {
      if (access.maySee(identity, patientId)) {
        allowed.add(patientId);
      }
    }
    return allowed;
  }

  private Outcome reject(
      Connection connection, String code, String message, String requestId, List<String> patients) {
    hub.send(
        connection,
        Frame.control(
            "error", Messages.error(hub.currentSeq(), code, message, requestId, patients)));
    return new Outcome(code, message);
  }

  private static String string(JsonNode message, String field) {
    JsonNode value = message.get(field);
    return value != null && value.isString() ? value.stringValue() : null;
  }

  private static String abbreviate(String text) {
    String printable = text.replaceAll("[^A-Za-z0-9_\\-]", "?");
    return printable.length() > 40 ? printable.substring(0, 40) + "..." : printable;
  }
}
