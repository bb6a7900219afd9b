/**
 * Logging that an attacker cannot turn into a flood. A client can make the router refuse something as often as it
 * can send; {@link io.postmaster.logging.RateLimitedLog} keeps each kind of refusal to a few lines a minute and
 * says how many similar lines it left out. Free of Jakarta EE; used by every other package.
 *
 * <p>Internal: not part of the API applications compile against ({@code spi} and {@code message} are); public
 * because every other package of Postmaster logs through it.
 */
package io.postmaster.logging;
