package io.vitalflow.fhir.access;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * {@code vitalflow.fhir.smart.*}: the authorization server the SMART configuration and the
 * CapabilityStatement announce. Each one left empty is derived from the resource server's issuer
 * ({@code spring.security.oauth2.resourceserver.jwt.issuer-uri}) the way Spring Authorization
 * Server lays them out: {@code <issuer>/oauth2/authorize}, {@code <issuer>/oauth2/token}, {@code
 * <issuer>/oauth2/jwks}. Set them for an issuer with another layout (Keycloak, Entra ID, Okta).
 *
 * @param issuer the issuer; empty = the resource server's
 * @param authorizationEndpoint where apps send the user to authorize
 * @param tokenEndpoint where apps get tokens
 * @param jwksUri the issuer's public keys
 */
@ConfigurationProperties("vitalflow.fhir.smart")
public record SmartSettings(
    String issuer, String authorizationEndpoint, String tokenEndpoint, String jwksUri) {}
