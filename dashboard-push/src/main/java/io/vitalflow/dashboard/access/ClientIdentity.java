package io.vitalflow.dashboard.access;

import io.vitalflow.web.security.Caller;
import java.util.Objects;

/**
 * Who is on the other end of a dashboard connection: the {@link Caller} of the token it was opened
 * with, and the name its acknowledgements are recorded under (the token's subject). One object per
 * connection, kept for the connection's life: it holds no token.
 *
 * @param name the subject (a user name, or a client id for client credentials); {@code anonymous}
 *     when security is switched off
 * @param caller what the token allows
 */
public record ClientIdentity(String name, Caller caller) {

  /** Every connection when security is switched off ({@code vitalflow.security.enabled=false}). */
  public static final ClientIdentity ANONYMOUS = new ClientIdentity("anonymous", Caller.UNSECURED);

  public ClientIdentity {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(caller, "caller");
  }

  /** The identity of a verified token's caller. */
  public static ClientIdentity of(Caller caller) {
    return caller == Caller.UNSECURED ? ANONYMOUS : new ClientIdentity(caller.subject(), caller);
  }

  /**
   * Whether {@code other} is the same principal: the same subject through the same OAuth client
   * (another token of the same user and client is the same principal; a token refreshed in the page
   * keeps posting to its stream).
   */
  public boolean samePrincipal(ClientIdentity other) {
    return caller.subject().equals(other.caller.subject())
        && caller.clientId().equals(other.caller.clientId());
  }
}
