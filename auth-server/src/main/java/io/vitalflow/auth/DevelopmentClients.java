package io.vitalflow.auth;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import java.nio.file.Path;
import java.text.ParseException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Predicate;
import org.springframework.security.oauth2.core.AuthorizationGrantType;
import org.springframework.security.oauth2.core.ClientAuthenticationMethod;
import org.springframework.security.oauth2.jose.jws.SignatureAlgorithm;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClient;
import org.springframework.security.oauth2.server.authorization.settings.ClientSettings;
import org.springframework.security.oauth2.server.authorization.settings.TokenSettings;

/**
 * The clients registered with the local authorization server, in memory, with their secrets and
 * keys generated per data directory (docs/security.md "Local authorization server").
 */
public final class DevelopmentClients {

  /** The command line ({@code ./vitalflow token}) and tests: client credentials, any scope. */
  public static final String CLI = "vitalflow-cli";

  /** The device simulator and device gateways: client credentials, {@code system/Observation.c}. */
  public static final String GATEWAY = "vitalflow-gateway";

  /** EHR back ends and the load generator: SMART Backend Services ({@code private_key_jwt}). */
  public static final String BACKEND = "vitalflow-backend";

  /** The ward dashboard page: authorization code with PKCE, public client. */
  public static final String WARD = "vitalflow-ward";

  /** A SMART app for patient standalone launch: authorization code with PKCE, public client. */
  public static final String SMART_APP = "vitalflow-smart-app";

  /** The scope the gateway client has. */
  public static final String DEVICE_SCOPE = "system/Observation.c";

  private final List<RegisteredClient> registered;
  private final Map<String, Predicate<String>> scopes;
  private final RSAKey backendPublicKey;

  private DevelopmentClients(
      List<RegisteredClient> registered,
      Map<String, Predicate<String>> scopes,
      RSAKey backendPublicKey) {
    this.registered = registered;
    this.scopes = scopes;
    this.backendPublicKey = backendPublicKey;
  }

  /**
   * The clients of {@code settings}, with secrets and keys from (or generated into) its auth dir.
   */
  public static DevelopmentClients load(AuthServerSettings settings) {
    Path dir = settings.authDir();
    String cliSecret = AuthFiles.readOrCreate(dir, AuthFiles.CLI_SECRET, AuthFiles::randomSecret);
    String gatewaySecret =
        AuthFiles.readOrCreate(dir, AuthFiles.GATEWAY_SECRET, AuthFiles::randomSecret);
    RSAKey backendKey = backendKey(dir);
    TokenSettings tokens =
        TokenSettings.builder().accessTokenTimeToLive(settings.tokenLifetime()).build();
    // secrets as {noop}: the plain secret is in the data directory anyway (the command line reads
    // it), so hashing it in memory protects nothing and would cost ~100 ms per token request
    RegisteredClient cli =
        RegisteredClient.withId(CLI)
            .clientId(CLI)
            .clientSecret("{noop}" + cliSecret)
            .clientAuthenticationMethod(ClientAuthenticationMethod.CLIENT_SECRET_BASIC)
            .clientAuthenticationMethod(ClientAuthenticationMethod.CLIENT_SECRET_POST)
            .authorizationGrantType(AuthorizationGrantType.CLIENT_CREDENTIALS)
            .scope("system/*.cruds")
            .tokenSettings(tokens)
            .build();
    RegisteredClient gateway =
        RegisteredClient.withId(GATEWAY)
            .clientId(GATEWAY)
            .clientSecret("{noop}" + gatewaySecret)
            .clientAuthenticationMethod(ClientAuthenticationMethod.CLIENT_SECRET_BASIC)
            .clientAuthenticationMethod(ClientAuthenticationMethod.CLIENT_SECRET_POST)
            .authorizationGrantType(AuthorizationGrantType.CLIENT_CREDENTIALS)
            .scope(DEVICE_SCOPE)
            .tokenSettings(tokens)
            .build();
    RegisteredClient backend =
        RegisteredClient.withId(BACKEND)
            .clientId(BACKEND)
            .clientAuthenticationMethod(ClientAuthenticationMethod.PRIVATE_KEY_JWT)
            .authorizationGrantType(AuthorizationGrantType.CLIENT_CREDENTIALS)
            .scope("system/*.rs")
            .clientSettings(
                ClientSettings.builder()
                    .tokenEndpointAuthenticationSigningAlgorithm(SignatureAlgorithm.RS384)
                    .build())
            .tokenSettings(tokens)
            .build();
    RegisteredClient ward =
        RegisteredClient.withId(WARD)
            .clientId(WARD)
            .clientAuthenticationMethod(ClientAuthenticationMethod.NONE)
            .authorizationGrantType(AuthorizationGrantType.AUTHORIZATION_CODE)
            .redirectUris(uris -> uris.addAll(settings.wardRedirectUris()))
            .scope("openid")
            .scope("user/Observation.rs")
            .scope(DevelopmentUsers.WARDS_ADMIN)
            .clientSettings(
                ClientSettings.builder()
                    .requireProofKey(true)
                    .requireAuthorizationConsent(false)
                    .build())
            .tokenSettings(tokens)
            .build();
    RegisteredClient smartApp =
        RegisteredClient.withId(SMART_APP)
            .clientId(SMART_APP)
            .clientAuthenticationMethod(ClientAuthenticationMethod.NONE)
            .authorizationGrantType(AuthorizationGrantType.AUTHORIZATION_CODE)
            .redirectUris(uris -> uris.addAll(settings.smartAppRedirectUris()))
            .scope("launch/patient")
            .scope("patient/*.rs")
            .scope("openid")
            .scope("fhirUser")
            .clientSettings(
                ClientSettings.builder()
                    .requireProofKey(true)
                    .requireAuthorizationConsent(false)
                    .build())
            .tokenSettings(tokens)
            .build();
    return new DevelopmentClients(
        List.of(cli, gateway, backend, ward, smartApp),
        Map.of(
            CLI, ScopeRules.ANY,
            GATEWAY, DEVICE_SCOPE::equals,
            BACKEND, ScopeRules.SYSTEM,
            WARD, ScopeRules.WARD,
            SMART_APP, ScopeRules.PATIENT_APP),
        backendKey.toPublicJWK());
  }

  /** The registered clients. */
  public List<RegisteredClient> registered() {
    return registered;
  }

  /** Whether {@code clientId} may ask for {@code scope}. */
  public boolean allows(String clientId, String scope) {
    return Optional.ofNullable(scopes.get(clientId)).map(rule -> rule.test(scope)).orElse(false);
  }

  /** The public key {@code vitalflow-backend} signs its client assertions with. */
  public RSAKey backendPublicKey() {
    return backendPublicKey;
  }

  /** The private key of {@code vitalflow-backend} in {@code authDir}, generated on first use. */
  public static RSAKey backendKey(Path authDir) {
    String text =
        AuthFiles.readOrCreate(
            authDir,
            AuthFiles.BACKEND_KEY,
            () -> {
              try {
                return new RSAKeyGenerator(2048)
                    .keyID(UUID.randomUUID().toString())
                    .keyUse(KeyUse.SIGNATURE)
                    .algorithm(JWSAlgorithm.RS384)
                    .generate()
                    .toJSONString();
              } catch (JOSEException e) {
                throw new IllegalStateException("Cannot generate the backend client's key", e);
              }
            });
    try {
      return RSAKey.parse(text);
    } catch (ParseException e) {
      throw new IllegalStateException(
          "The backend client's key in "
              + authDir.resolve(AuthFiles.BACKEND_KEY)
              + " cannot be read; remove the file to generate a new one",
          e);
    }
  }
}
