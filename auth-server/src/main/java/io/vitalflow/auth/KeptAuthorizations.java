package io.vitalflow.auth;

import org.springframework.security.oauth2.core.AuthorizationGrantType;
import org.springframework.security.oauth2.server.authorization.InMemoryOAuth2AuthorizationService;
import org.springframework.security.oauth2.server.authorization.OAuth2Authorization;
import org.springframework.security.oauth2.server.authorization.OAuth2AuthorizationService;
import org.springframework.security.oauth2.server.authorization.OAuth2TokenType;

/**
 * Authorizations in memory, except those of client credentials: a token issued for client
 * credentials is never looked up again (it is a JWT the resource servers verify themselves, with no
 * refresh token), and keeping each one would grow the heap with every token the load generator or
 * the simulator asks for. Authorization-code flows (people logging in) are kept, as Spring
 * Authorization Server needs them to redeem the code.
 */
final class KeptAuthorizations implements OAuth2AuthorizationService {

  private final InMemoryOAuth2AuthorizationService kept = new InMemoryOAuth2AuthorizationService();

  @Override
  public void save(OAuth2Authorization authorization) {
    if (!AuthorizationGrantType.CLIENT_CREDENTIALS.equals(
        authorization.getAuthorizationGrantType())) {
      kept.save(authorization);
    }
  }

  @Override
  public void remove(OAuth2Authorization authorization) {
    kept.remove(authorization);
  }

  @Override
  public OAuth2Authorization findById(String id) {
    return kept.findById(id);
  }

  @Override
  public OAuth2Authorization findByToken(String token, OAuth2TokenType tokenType) {
    return kept.findByToken(token, tokenType);
  }
}
