package io.vitalflow.dashboard.access;

import java.util.Objects;

/**
 * Who is on the other end of a dashboard connection. Today the handshake principal's name, or
 * {@code anonymous}; the auth issue adds roles and care-team membership here.
 */
public record ClientIdentity(String name) {

  public static final ClientIdentity ANONYMOUS = new ClientIdentity("anonymous");

  public ClientIdentity {
    Objects.requireNonNull(name, "name");
  }
}
