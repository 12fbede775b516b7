package io.vitalflow.web.security;

import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.springframework.security.oauth2.jwt.Jwt;

/** Makes the {@link Caller} of a verified token from the claims {@link SecuritySettings} names. */
public final class CallerClaims {

  private final SecuritySettings.Claims names;

  public CallerClaims(SecuritySettings.Claims names) {
    this.names = names;
  }

  public Caller caller(Jwt jwt) {
    String subject = jwt.getSubject() == null ? "" : jwt.getSubject();
    String clientId = text(jwt.getClaims().get(names.clientId()));
    if (clientId == null) {
      clientId = text(jwt.getClaims().get("azp"));
    }
    if (clientId == null) {
      clientId = subject;
    }
    SmartScopes scopes = SmartScopes.of(strings(jwt.getClaims().get(names.scope())));
    String patient = text(jwt.getClaims().get(names.patient()));
    Set<String> wards = new LinkedHashSet<>(strings(jwt.getClaims().get(names.wards())));
    return new Caller(
        subject.isEmpty() ? clientId : subject,
        clientId,
        scopes,
        Optional.ofNullable(patient).filter(p -> !p.isBlank()),
        wards);
  }

  private static String text(Object value) {
    return value == null ? null : value.toString();
  }

  private static List<String> strings(Object value) {
    if (value == null) {
      return List.of();
    }
    if (value instanceof Collection<?> values) {
      return values.stream().map(String::valueOf).toList();
    }
    return List.of(value.toString().trim().split("\\s+"));
  }
}
