package io.vitalflow.auth;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.SignedJWT;
import java.net.URI;
import java.security.interfaces.RSAPublicKey;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;
import org.springframework.http.MediaType;
import org.springframework.security.config.Customizer;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.annotation.web.configuration.EnableWebSecurity;
import org.springframework.security.core.userdetails.User;
import org.springframework.security.core.userdetails.UserDetails;
import org.springframework.security.core.userdetails.UserDetailsService;
import org.springframework.security.oauth2.core.OAuth2AuthenticationException;
import org.springframework.security.oauth2.core.OAuth2ErrorCodes;
import org.springframework.security.oauth2.jose.jws.SignatureAlgorithm;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.jwt.JwtDecoderFactory;
import org.springframework.security.oauth2.jwt.JwtEncoder;
import org.springframework.security.oauth2.jwt.NimbusJwtDecoder;
import org.springframework.security.oauth2.jwt.NimbusJwtEncoder;
import org.springframework.security.oauth2.server.authorization.OAuth2AuthorizationService;
import org.springframework.security.oauth2.server.authorization.authentication.JwtClientAssertionAuthenticationProvider;
import org.springframework.security.oauth2.server.authorization.authentication.JwtClientAssertionDecoderFactory;
import org.springframework.security.oauth2.server.authorization.authentication.OAuth2AccessTokenAuthenticationToken;
import org.springframework.security.oauth2.server.authorization.authentication.OAuth2AuthorizationCodeRequestAuthenticationProvider;
import org.springframework.security.oauth2.server.authorization.authentication.OAuth2ClientCredentialsAuthenticationProvider;
import org.springframework.security.oauth2.server.authorization.client.InMemoryRegisteredClientRepository;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClient;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClientRepository;
import org.springframework.security.oauth2.server.authorization.settings.AuthorizationServerSettings;
import org.springframework.security.oauth2.server.authorization.token.JwtEncodingContext;
import org.springframework.security.oauth2.server.authorization.token.OAuth2TokenCustomizer;
import org.springframework.security.oauth2.server.authorization.web.authentication.JwtClientAssertionAuthenticationConverter;
import org.springframework.security.oauth2.server.authorization.web.authentication.OAuth2AccessTokenResponseAuthenticationSuccessHandler;
import org.springframework.security.provisioning.InMemoryUserDetailsManager;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.authentication.LoginUrlAuthenticationEntryPoint;
import org.springframework.security.web.util.matcher.MediaTypeRequestMatcher;
import org.springframework.web.cors.CorsConfiguration;
import org.springframework.web.cors.CorsConfigurationSource;
import org.springframework.web.cors.UrlBasedCorsConfigurationSource;

/**
 * Spring Authorization Server as VitalFlow runs it locally: the OAuth2 and OpenID endpoints, a
 * login form for the development users, the development clients, and keys from the data directory.
 * Everything is in memory except the keys, secrets and passwords in {@code <data-dir>/auth/}.
 */
@Configuration(proxyBeanMethods = false)
@EnableWebSecurity
class AuthorizationServerConfig {

  @Bean
  SigningKeys signingKeys(AuthServerSettings settings) {
    return SigningKeys.load(settings.authDir(), Clock.systemUTC());
  }

  @Bean
  DevelopmentUsers developmentUsers(AuthServerSettings settings) {
    return DevelopmentUsers.load(settings.authDir());
  }

  @Bean
  DevelopmentClients developmentClients(AuthServerSettings settings) {
    return DevelopmentClients.load(settings);
  }

  @Bean
  RegisteredClientRepository registeredClientRepository(DevelopmentClients clients) {
    return new InMemoryRegisteredClientRepository(clients.registered());
  }

  @Bean
  OAuth2AuthorizationService authorizationService() {
    return new KeptAuthorizations();
  }

  /** The published keys: the JWK set endpoint shows their public parts. */
  @Bean
  JWKSource<SecurityContext> jwkSource(SigningKeys keys) {
    return (selector, context) -> selector.select(keys.published());
  }

  /** Signs with the active key only (a rotated-out key is published but signs nothing). */
  @Bean
  JwtEncoder jwtEncoder(SigningKeys keys) {
    return new NimbusJwtEncoder((selector, context) -> selector.select(new JWKSet(keys.active())));
  }

  /** Verifies this server's own tokens (the OpenID userinfo endpoint). */
  @Bean
  JwtDecoder jwtDecoder(JWKSource<SecurityContext> jwkSource) {
    return NimbusJwtDecoder.withJwkSource(jwkSource).build();
  }

  @Bean
  OAuth2TokenCustomizer<JwtEncodingContext> tokenClaims(AuthServerSettings settings) {
    return new TokenClaims(settings.audience());
  }

  @Bean
  AuthorizationServerSettings authorizationServerSettings(AuthServerSettings settings) {
    AuthorizationServerSettings.Builder builder = AuthorizationServerSettings.builder();
    if (!settings.issuer().isEmpty()) {
      builder.issuer(settings.issuer());
    }
    return builder.build();
  }

  @Bean
  UserDetailsService userDetailsService(DevelopmentUsers users) {
    InMemoryUserDetailsManager manager = new InMemoryUserDetailsManager();
    for (String name : users.names()) {
      // {noop}: the passwords are generated and kept in plain text in the data directory for
      // developers to read; a hash in memory would protect nothing
      UserDetails user =
          User.withUsername(name).password("{noop}" + users.password(name)).roles("USER").build();
      manager.createUser(user);
    }
    return manager;
  }

  @Bean
  @Order(1)
  SecurityFilterChain authorizationServerChain(
      HttpSecurity http, DevelopmentClients clients, AuthServerSettings settings) throws Exception {
    TokenRequests requests = new TokenRequests(clients);
    JwtDecoderFactory<RegisteredClient> assertions = backendAssertions(clients);
    OAuth2AccessTokenResponseAuthenticationSuccessHandler responses =
        new OAuth2AccessTokenResponseAuthenticationSuccessHandler();
    responses.setAccessTokenResponseCustomizer(
        context ->
            patientInResponse(context.getAuthentication(), context.getAccessTokenResponse()));
    http.oauth2AuthorizationServer(
            server -> {
              http.securityMatcher(server.getEndpointsMatcher());
              server
                  .oidc(Customizer.withDefaults())
                  .clientAuthentication(
                      client ->
                          client
                              .authenticationConverters(
                                  converters ->
                                      converters.replaceAll(
                                          converter ->
                                              converter
                                                      instanceof
                                                      JwtClientAssertionAuthenticationConverter
                                                  ? new AssertionClientId(converter)
                                                  : converter))
                              .authenticationProviders(
                                  providers ->
                                      providers.forEach(
                                          provider -> {
                                            if (provider
                                                instanceof
                                                JwtClientAssertionAuthenticationProvider jwt) {
                                              jwt.setJwtDecoderFactory(assertions);
                                            }
                                          })))
                  .authorizationEndpoint(
                      endpoint ->
                          endpoint.authenticationProviders(
                              providers ->
                                  providers.forEach(
                                      provider -> {
                                        if (provider
                                            instanceof
                                            OAuth2AuthorizationCodeRequestAuthenticationProvider
                                                code) {
                                          code.setAuthenticationValidator(
                                              requests.authorizationCode());
                                        }
                                      })))
                  .tokenEndpoint(
                      endpoint ->
                          endpoint
                              .accessTokenResponseHandler(responses)
                              .authenticationProviders(
                                  providers ->
                                      providers.forEach(
                                          provider -> {
                                            if (provider
                                                instanceof
                                                OAuth2ClientCredentialsAuthenticationProvider
                                                    credentials) {
                                              credentials.setAuthenticationValidator(
                                                  requests.clientCredentials());
                                            }
                                          })));
            })
        .cors(cors -> cors.configurationSource(browserClients(settings)))
        .authorizeHttpRequests(authorize -> authorize.anyRequest().authenticated())
        .oauth2ResourceServer(resource -> resource.jwt(Customizer.withDefaults()))
        .exceptionHandling(
            exceptions ->
                exceptions.defaultAuthenticationEntryPointFor(
                    new LoginUrlAuthenticationEntryPoint("/login"),
                    new MediaTypeRequestMatcher(MediaType.TEXT_HTML)));
    return http.build();
  }

  /**
   * The browser clients (the ward page, the SMART app) exchange their code and read the keys and
   * the discovery document from their own origin: CORS for exactly the origins of their redirect
   * URIs.
   */
  static CorsConfigurationSource browserClients(AuthServerSettings settings) {
    CorsConfiguration cors = new CorsConfiguration();
    Set<String> origins = new LinkedHashSet<>();
    for (String uri :
        Stream.concat(
                settings.wardRedirectUris().stream(), settings.smartAppRedirectUris().stream())
            .toList()) {
      URI parsed = URI.create(uri);
      origins.add(
          parsed.getScheme()
              + "://"
              + parsed.getHost()
              + (parsed.getPort() < 0 ? "" : ":" + parsed.getPort()));
    }
    cors.setAllowedOrigins(List.copyOf(origins));
    cors.setAllowedMethods(List.of("GET", "POST"));
    cors.setAllowedHeaders(List.of("Content-Type", "Authorization"));
    cors.setMaxAge(Duration.ofHours(1));
    UrlBasedCorsConfigurationSource source = new UrlBasedCorsConfigurationSource();
    source.registerCorsConfiguration("/**", cors);
    return source;
  }

  /**
   * Everything else: the login form, and CORS preflight requests (an {@code OPTIONS} request is no
   * endpoint of the server's own chain).
   */
  @Bean
  @Order(2)
  SecurityFilterChain loginChain(HttpSecurity http, AuthServerSettings settings) throws Exception {
    http.cors(cors -> cors.configurationSource(browserClients(settings)))
        .authorizeHttpRequests(authorize -> authorize.anyRequest().authenticated())
        .formLogin(Customizer.withDefaults());
    return http.build();
  }

  /**
   * SMART Backend Services: the backend client's assertions are verified with its registered public
   * key (RS384), with Spring Authorization Server's checks of {@code iss}, {@code sub}, {@code aud}
   * and {@code exp}; no other client authenticates with a JWT.
   */
  private static JwtDecoderFactory<RegisteredClient> backendAssertions(DevelopmentClients clients) {
    RSAPublicKey key;
    try {
      key = clients.backendPublicKey().toRSAPublicKey();
    } catch (JOSEException e) {
      throw new IllegalStateException("The backend client's public key is not an RSA key", e);
    }
    return client -> {
      if (!DevelopmentClients.BACKEND.equals(client.getClientId())) {
        throw new OAuth2AuthenticationException(OAuth2ErrorCodes.INVALID_CLIENT);
      }
      NimbusJwtDecoder decoder =
          NimbusJwtDecoder.withPublicKey(key).signatureAlgorithm(SignatureAlgorithm.RS384).build();
      decoder.setJwtValidator(
          JwtClientAssertionDecoderFactory.DEFAULT_JWT_VALIDATOR_FACTORY.apply(client));
      return decoder;
    };
  }

  /** SMART: the token response names the patient context next to the token. */
  private static void patientInResponse(
      OAuth2AccessTokenAuthenticationToken token,
      org.springframework.security.oauth2.core.endpoint.OAuth2AccessTokenResponse.Builder
          response) {
    try {
      Object patient =
          SignedJWT.parse(token.getAccessToken().getTokenValue())
              .getJWTClaimsSet()
              .getClaim("patient");
      if (patient != null) {
        Map<String, Object> parameters = new HashMap<>(token.getAdditionalParameters());
        parameters.put("patient", patient);
        response.additionalParameters(parameters);
      }
    } catch (ParseException e) {
      throw new IllegalStateException("The access token just issued is not a JWT", e);
    }
  }
}
