package io.vitalflow.web.security;

import org.springframework.security.authentication.AbstractAuthenticationToken;
import org.springframework.security.core.authority.SimpleGrantedAuthority;
import org.springframework.security.oauth2.jwt.Jwt;

/**
 * A request authenticated by a verified token: its {@link Caller}, and the token's scopes as {@code
 * SCOPE_} authorities for Spring Security's own checks.
 */
public final class CallerAuthentication extends AbstractAuthenticationToken {

  private static final long serialVersionUID = 1L;

  private final transient Caller caller;
  private final transient Jwt token;

  public CallerAuthentication(Caller caller, Jwt token) {
    super(
        caller.scopes().names().stream()
            .map(scope -> new SimpleGrantedAuthority("SCOPE_" + scope))
            .toList());
    this.caller = caller;
    this.token = token;
    setAuthenticated(true);
  }

  public Caller caller() {
    return caller;
  }

  /** The verified token (its expiry ends long-lived streams). */
  public Jwt token() {
    return token;
  }

  @Override
  public Object getCredentials() {
    return token;
  }

  @Override
  public Object getPrincipal() {
    return caller;
  }

  @Override
  public String getName() {
    return caller.subject();
  }
}
