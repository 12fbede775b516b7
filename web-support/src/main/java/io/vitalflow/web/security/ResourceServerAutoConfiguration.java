package io.vitalflow.web.security;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.security.oauth2.server.resource.autoconfigure.OAuth2ResourceServerProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.security.config.web.server.SecurityWebFiltersOrder;
import org.springframework.security.config.web.server.ServerHttpSecurity;
import org.springframework.security.oauth2.jwt.ReactiveJwtDecoder;
import org.springframework.security.web.server.SecurityWebFilterChain;
import org.springframework.security.web.server.context.NoOpServerSecurityContextRepository;
import org.springframework.security.web.server.firewall.ServerWebExchangeFirewall;
import org.springframework.security.web.server.savedrequest.NoOpServerRequestCache;
import reactor.core.publisher.Mono;

/**
 * Every VitalFlow web service is an OAuth 2.0 resource server: each request but health and the
 * service's {@link PublicPaths} carries a bearer token from the configured issuer
 * (docs/security.md). The fine-grained checks (which resource type, which patient) are the
 * service's own, on the request's {@link Caller}; the actuator's other endpoints need {@code
 * vitalflow.security.ops-scope}.
 *
 * <p>{@code vitalflow.security.enabled=false} switches all of it off (every request is {@link
 * Caller#UNSECURED}); with it on, a service without an issuer refuses to start.
 */
@AutoConfiguration(
    beforeName = {
      "org.springframework.boot.security.oauth2.server.resource.autoconfigure.reactive.ReactiveOAuth2ResourceServerAutoConfiguration",
      "org.springframework.boot.security.autoconfigure.actuate.web.reactive.ReactiveManagementWebSecurityAutoConfiguration",
      "org.springframework.boot.security.autoconfigure.ReactiveUserDetailsServiceAutoConfiguration"
    })
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.REACTIVE)
@EnableConfigurationProperties({SecuritySettings.class, OAuth2ResourceServerProperties.class})
public class ResourceServerAutoConfiguration {

  /** The audience a token must name when {@code ...jwt.audiences} is not set. */
  public static final String DEFAULT_AUDIENCE = "vitalflow";

  @Bean
  @ConditionalOnMissingBean
  ReactiveJwtDecoder vitalflowJwtDecoder(
      SecuritySettings settings, OAuth2ResourceServerProperties properties) {
    OAuth2ResourceServerProperties.Jwt jwt = properties.getJwt();
    boolean configured =
        (jwt.getIssuerUri() != null && !jwt.getIssuerUri().isBlank())
            || (jwt.getJwkSetUri() != null && !jwt.getJwkSetUri().isBlank());
    if (!configured) {
      if (settings.enabled()) {
        throw new IllegalStateException(
            "vitalflow.security.enabled is true but no token issuer is configured: set"
                + " spring.security.oauth2.resourceserver.jwt.issuer-uri (or jwk-set-uri), or"
                + " vitalflow.security.enabled=false on a network where nobody else can reach"
                + " the service (docs/security.md)");
      }
      return token -> Mono.error(new IllegalStateException("security is switched off"));
    }
    List<String> audiences =
        jwt.getAudiences().isEmpty() ? List.of(DEFAULT_AUDIENCE) : jwt.getAudiences();
    return new VerifiedTokens(
        Tokens.decoder(jwt.getIssuerUri(), jwt.getJwkSetUri(), audiences, settings.clockSkew()),
        settings.tokenCache().size(),
        settings.tokenCache().maxAge(),
        settings.clockSkew(),
        Clock.systemUTC());
  }

  /** The firewall of Spring Security's filter chain proxy: its strict rules, checked faster. */
  @Bean
  @ConditionalOnMissingBean
  ServerWebExchangeFirewall vitalflowFirewall() {
    return Firewall.strict();
  }

  @Bean
  CallerClaims callerClaims(SecuritySettings settings) {
    return new CallerClaims(settings.claims());
  }

  @Bean
  TokenAuthenticator tokenAuthenticator(
      ReactiveJwtDecoder decoder, CallerClaims claims, SecuritySettings settings) {
    return new TokenAuthenticator(decoder, claims, settings.enabled());
  }

  @Bean
  @ConditionalOnMissingBean
  SecurityAnswer securityAnswer() {
    return SecurityAnswer::problem;
  }

  @Bean
  Refusals refusals(SecurityAnswer answer, ObjectProvider<RefusalListener> listeners) {
    return new Refusals(answer, listeners.orderedStream().toList());
  }

  /**
   * Spring Security's firewall and security headers, then one filter: {@link BearerTokenFilter}
   * (or, switched off, one that makes every request {@link Caller#UNSECURED}). Both modes have the
   * same chain around that filter, so "on" against "off" measures what the token check costs.
   */
  @Bean
  @ConditionalOnMissingBean
  SecurityWebFilterChain vitalflowSecurity(
      ServerHttpSecurity http,
      SecuritySettings settings,
      TokenAuthenticator authenticator,
      Refusals refusals,
      ObjectProvider<PublicPaths> publicPaths) {
    http.csrf(ServerHttpSecurity.CsrfSpec::disable)
        .httpBasic(ServerHttpSecurity.HttpBasicSpec::disable)
        .formLogin(ServerHttpSecurity.FormLoginSpec::disable)
        .logout(ServerHttpSecurity.LogoutSpec::disable)
        .anonymous(ServerHttpSecurity.AnonymousSpec::disable)
        .requestCache(cache -> cache.requestCache(NoOpServerRequestCache.getInstance()))
        .securityContextRepository(NoOpServerSecurityContextRepository.getInstance())
        .exceptionHandling(
            handling -> handling.authenticationEntryPoint(refusals).accessDeniedHandler(refusals));
    if (!settings.enabled()) {
      CallerAuthentication unsecured = new CallerAuthentication(Caller.UNSECURED, null);
      return http.addFilterAt(
              (exchange, chain) -> chain.filter(exchange).contextWrite(Callers.context(unsecured)),
              SecurityWebFiltersOrder.AUTHENTICATION)
          .build();
    }
    List<String> open =
        new ArrayList<>(
            List.of("/actuator/health", "/actuator/health/liveness", "/actuator/health/readiness"));
    publicPaths.orderedStream().forEach(paths -> open.addAll(paths.patterns()));
    return http.addFilterAt(
            new BearerTokenFilter(authenticator, refusals, open, settings.opsScope()),
            SecurityWebFiltersOrder.AUTHENTICATION)
        .build();
  }
}
