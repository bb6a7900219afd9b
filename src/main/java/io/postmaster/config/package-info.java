/**
 * Postmaster's settings: one documented place. {@link io.postmaster.config.PostmasterConfig} is read from built-in
 * defaults, then an optional properties file, then system properties, then environment variables (later wins).
 * Every key is listed in the README. Free of Jakarta EE, like the routing core it configures.
 */
package io.postmaster.config;
