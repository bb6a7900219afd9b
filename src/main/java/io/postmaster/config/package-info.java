/**
 * Postmaster's settings: one documented place. {@link io.postmaster.config.PostmasterConfig} is read from built-in
 * defaults, then an optional properties file, then system properties, then environment variables (later wins).
 * Every key is listed in the README. Free of Jakarta EE, like the routing core it configures.
 *
 * <p>Internal: not part of the API applications compile against ({@code spi} and {@code message} are); settings are
 * read through keys, never through these classes. The records are public because the routing core, the
 * authentication methods and the endpoint layer each read them; the key constants and parse helpers are not.
 */
package io.postmaster.config;
