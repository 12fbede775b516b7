package io.vitalflow.dashboard.access;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The ticket store and the origin rule on their own (the service tests cover them end to end). */
class TicketsAndOriginsTest {

  private static final ClientIdentity NURSE =
      new ClientIdentity("nurse", io.vitalflow.web.security.Caller.UNSECURED);

  @Test
  void aTicketIsRedeemedOnceAndCarriesTheIdentityAndExpiry() {
    Tickets tickets = new Tickets(Duration.ofSeconds(30), 10);
    long expires = System.currentTimeMillis() + 60_000;
    String ticket = tickets.issue(NURSE, expires);
    assertThat(ticket).hasSize(43); // 32 random bytes, base64url
    assertThat(tickets.issue(NURSE, expires)).isNotEqualTo(ticket);
    Tickets.Ticket redeemed = tickets.redeem(ticket);
    assertThat(redeemed.identity()).isSameAs(NURSE);
    assertThat(redeemed.expiresAtMillis()).isEqualTo(expires);
    assertThat(tickets.redeem(ticket)).isNull();
    assertThat(tickets.redeem("made-up")).isNull();
    assertThat(tickets.redeem(null)).isNull();
  }

  @Test
  void aTicketNeverOutlivesItsTokenNorItsLifetime() throws Exception {
    Tickets tickets = new Tickets(Duration.ofSeconds(30), 10);
    String ofAnExpiredToken = tickets.issue(NURSE, System.currentTimeMillis() - 1);
    assertThat(tickets.redeem(ofAnExpiredToken)).isNull();
    Tickets shortLived = new Tickets(Duration.ofMillis(50), 10);
    String ticket = shortLived.issue(NURSE, Long.MAX_VALUE);
    Thread.sleep(100);
    assertThat(shortLived.redeem(ticket)).isNull();
  }

  @Test
  void theStoreIsBoundedAndExpiredTicketsMakeRoom() throws Exception {
    Tickets tickets = new Tickets(Duration.ofMillis(50), 2);
    assertThat(tickets.issue(NURSE, Long.MAX_VALUE)).isNotNull();
    assertThat(tickets.issue(NURSE, Long.MAX_VALUE)).isNotNull();
    assertThat(tickets.issue(NURSE, Long.MAX_VALUE)).isNull();
    Thread.sleep(100);
    assertThat(tickets.issue(NURSE, Long.MAX_VALUE)).isNotNull();
    assertThat(tickets.size()).isEqualTo(1);
  }

  @Test
  void withoutAListOnlyTheServicesOwnOriginsArePlusRequestsWithoutOrigin() {
    OriginPolicy own = new OriginPolicy(List.of());
    assertThat(own.allows(null, 8084)).isTrue();
    assertThat(own.allows("http://127.0.0.1:8084", 8084)).isTrue();
    assertThat(own.allows("http://localhost:8084/", 8084)).isTrue();
    assertThat(own.allows("http://LOCALHOST:8084", 8084)).isTrue();
    assertThat(own.allows("http://localhost:9999", 8084)).isFalse();
    assertThat(own.allows("http://evil.example", 8084)).isFalse();
    assertThat(own.allows("null", 8084)).isFalse();
  }

  @Test
  void aConfiguredListReplacesTheDefault() {
    OriginPolicy listed = new OriginPolicy(List.of("https://ward.example.org"));
    assertThat(listed.allows("https://ward.example.org", 443)).isTrue();
    assertThat(listed.allows("http://ward.example.org", 443)).isFalse();
    assertThat(listed.allows("http://127.0.0.1:8084", 8084)).isFalse();
  }
}
