/**
 * The built-in authentication methods ({@code anonymous}, {@code ticket}, {@code wampcra} with salted secrets,
 * {@code cryptosign}), the credential store and permission provider that read the configuration, the default
 * authorizer, and the JDK crypto they use. Implements {@code spi}; one class per method. No hand-rolled crypto:
 * HMAC-SHA256, PBKDF2WithHmacSHA256 and Ed25519 all come from the JDK, secrets are compared with
 * {@link java.security.MessageDigest#isEqual}, and nothing here logs a secret.
 *
 * <p>Internal: not part of the API applications compile against ({@code spi} and {@code message} are). A class or
 * member here is public only where the endpoint layer, which wires these into the router, needs it; the methods
 * themselves are reached through the {@code spi} interfaces they implement.
 */
package io.postmaster.auth;
