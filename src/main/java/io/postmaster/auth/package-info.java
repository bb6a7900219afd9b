/**
 * The built-in authentication methods ({@code anonymous}, {@code ticket}, {@code wampcra} with salted secrets,
 * {@code cryptosign}, {@code wamp-scram}), the credential store and permission provider that read the configuration,
 * the default authorizer, and the crypto they use. Implements {@code spi}; one class per method. No hand-rolled
 * crypto: HMAC-SHA256, SHA-256, PBKDF2WithHmacSHA256 and Ed25519 come from the JDK, Argon2id from Bouncy Castle's
 * lightweight API (called directly, never installed as a JCE provider, so it cannot meet a provider the application
 * server installs); secrets are compared with {@link java.security.MessageDigest#isEqual}, and nothing here logs a
 * secret.
 *
 * <p>Internal: not part of the API applications compile against ({@code spi} and {@code message} are). A class or
 * member here is public only where the endpoint layer, which wires these into the router, needs it; the methods
 * themselves are reached through the {@code spi} interfaces they implement.
 */
package io.postmaster.auth;
