package io.vitalflow.dashboard.access;

import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Short-lived, single-use connection tickets for browsers: a browser cannot set {@code
 * Authorization} on a WebSocket or {@code EventSource}, and a token in a URL ends up in logs and
 * history. The page posts its token for a ticket (valid {@code ticket-lifetime}, 30 s, and never
 * beyond the token's own expiry) and puts only the ticket in the URL; redeeming it removes it. A
 * ticket carries the identity and token expiry of the token it was issued for, so the connection
 * ends when that token would have. Tickets live in this instance's memory (at most {@code
 * capacity}): the upgrade must reach the instance that issued the ticket.
 */
public final class Tickets {

  /** What a ticket stands for. */
  public record Ticket(ClientIdentity identity, long expiresAtMillis, long validUntilMillis) {}

  private final SecureRandom random = new SecureRandom();
  private final Map<String, Ticket> open = new ConcurrentHashMap<>();
  private final long lifetimeMillis;
  private final int capacity;

  public Tickets(Duration lifetime, int capacity) {
    this.lifetimeMillis = lifetime.toMillis();
    this.capacity = capacity;
  }

  /** How long a new ticket is valid at most. */
  public Duration lifetime() {
    return Duration.ofMillis(lifetimeMillis);
  }

  /**
   * A new ticket for {@code identity}, whose connection ends at {@code expiresAtMillis} (the
   * token's expiry plus the clock skew); null when {@code capacity} tickets are outstanding.
   */
  public String issue(ClientIdentity identity, long expiresAtMillis) {
    long now = System.currentTimeMillis();
    if (open.size() >= capacity) {
      purge(now);
      if (open.size() >= capacity) {
        return null;
      }
    }
    byte[] bytes = new byte[32];
    random.nextBytes(bytes);
    String ticket = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    open.put(
        ticket,
        new Ticket(identity, expiresAtMillis, Math.min(now + lifetimeMillis, expiresAtMillis)));
    return ticket;
  }

  /** The ticket's identity and expiry, once: null when unknown, used or expired. */
  public Ticket redeem(String ticket) {
    if (ticket == null || ticket.isEmpty() || ticket.length() > 100) {
      return null;
    }
    Ticket found = open.remove(ticket);
    if (found == null || found.validUntilMillis() <= System.currentTimeMillis()) {
      return null;
    }
    return found;
  }

  /** Forgets expired tickets (run periodically; also when the store is full). */
  public void purge(long nowMillis) {
    open.values().removeIf(ticket -> ticket.validUntilMillis() <= nowMillis);
  }

  /** Outstanding tickets (tests, metrics). */
  public int size() {
    return open.size();
  }
}
