package io.vitalflow.auth;

import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.regex.Pattern;
import org.springframework.security.core.Authentication;
import org.springframework.security.oauth2.core.OAuth2AuthenticationException;
import org.springframework.security.oauth2.core.OAuth2Error;
import org.springframework.security.oauth2.core.OAuth2ErrorCodes;
import org.springframework.security.oauth2.server.authorization.authentication.OAuth2AuthorizationCodeRequestAuthenticationContext;
import org.springframework.security.oauth2.server.authorization.authentication.OAuth2AuthorizationCodeRequestAuthenticationException;
import org.springframework.security.oauth2.server.authorization.authentication.OAuth2AuthorizationCodeRequestAuthenticationToken;
import org.springframework.security.oauth2.server.authorization.authentication.OAuth2AuthorizationCodeRequestAuthenticationValidator;
import org.springframework.security.oauth2.server.authorization.authentication.OAuth2ClientCredentialsAuthenticationContext;
import org.springframework.security.oauth2.server.authorization.authentication.OAuth2ClientCredentialsAuthenticationToken;

/**
 * What a client may ask for, checked before a token is issued: the scopes of its rule ({@link
 * DevelopmentClients#allows}), {@code vitalflow/wards.admin} for administrators only, and the
 * command-line client's {@code patient} and {@code user} parameters. Refusals are standard OAuth2
 * errors ({@code invalid_scope}, {@code invalid_request}).
 */
final class TokenRequests {

  /** A FHIR resource id. */
  private static final Pattern FHIR_ID = Pattern.compile("[A-Za-z0-9.-]{1,64}");

  private final DevelopmentClients clients;

  TokenRequests(DevelopmentClients clients) {
    this.clients = clients;
  }

  /** The check of client-credentials token requests. */
  Consumer<OAuth2ClientCredentialsAuthenticationContext> clientCredentials() {
    return context -> {
      OAuth2ClientCredentialsAuthenticationToken request = context.getAuthentication();
      String clientId = context.getRegisteredClient().getClientId();
      Map<String, Object> parameters = request.getAdditionalParameters();
      Optional<DevelopmentUsers.User> user = Optional.empty();
      for (String name : new String[] {TokenClaims.PATIENT_PARAMETER, TokenClaims.USER_PARAMETER}) {
        Object value = parameters.get(name);
        if (value == null) {
          continue;
        }
        if (!clientId.equals(DevelopmentClients.CLI)) {
          throw refused(
              OAuth2ErrorCodes.INVALID_REQUEST,
              "only " + DevelopmentClients.CLI + " may give the '" + name + "' parameter");
        }
        if (!(value instanceof String text) || !FHIR_ID.matcher(text).matches()) {
          throw refused(
              OAuth2ErrorCodes.INVALID_REQUEST,
              "'" + name + "' must be one id of 1 to 64 letters, digits, '-' or '.'");
        }
        if (name.equals(TokenClaims.USER_PARAMETER)) {
          user = DevelopmentUsers.user(text);
          if (user.isEmpty()) {
            throw refused(
                OAuth2ErrorCodes.INVALID_REQUEST,
                "no development user '"
                    + text
                    + "' (users: "
                    + String.join(", ", DevelopmentUsers.USERS.keySet())
                    + ")");
          }
        }
      }
      for (String scope : request.getScopes()) {
        check(clientId, scope, user);
      }
    };
  }

  /**
   * The check of authorization requests: the redirect URI as Spring Authorization Server checks it,
   * then the scopes, including the logged-in user's right to {@code vitalflow/wards.admin}.
   */
  Consumer<OAuth2AuthorizationCodeRequestAuthenticationContext> authorizationCode() {
    return context -> {
      OAuth2AuthorizationCodeRequestAuthenticationValidator.DEFAULT_REDIRECT_URI_VALIDATOR.accept(
          context);
      OAuth2AuthorizationCodeRequestAuthenticationToken request = context.getAuthentication();
      Authentication principal = (Authentication) request.getPrincipal();
      Optional<DevelopmentUsers.User> user =
          principal != null && principal.isAuthenticated()
              ? DevelopmentUsers.user(principal.getName())
              : Optional.empty();
      String clientId = context.getRegisteredClient().getClientId();
      try {
        for (String scope : request.getScopes()) {
          check(clientId, scope, user);
        }
      } catch (OAuth2AuthenticationException e) {
        // the redirect URI is valid (checked above): the error goes back to the client
        throw new OAuth2AuthorizationCodeRequestAuthenticationException(e.getError(), request);
      }
    };
  }

  private void check(String clientId, String scope, Optional<DevelopmentUsers.User> user) {
    if (!clients.allows(clientId, scope)) {
      throw refused(
          OAuth2ErrorCodes.INVALID_SCOPE, "client " + clientId + " may not ask for " + scope);
    }
    if (scope.equals(DevelopmentUsers.WARDS_ADMIN) && user.isPresent() && !user.get().admin()) {
      throw refused(
          OAuth2ErrorCodes.INVALID_SCOPE,
          "user " + user.get().name() + " may not ask for " + scope);
    }
  }

  private static OAuth2AuthenticationException refused(String code, String description) {
    return new OAuth2AuthenticationException(new OAuth2Error(code, description, null));
  }
}
