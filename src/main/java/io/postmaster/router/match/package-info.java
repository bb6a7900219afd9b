/**
 * URI matching, shared by the broker (topics → subscriptions) and the dealer (procedures → registrations).
 *
 * <p>{@link io.postmaster.router.match.UriTable} is the one structure both use. It matches exactly today; prefix
 * and wildcard patterns extend it behind the same methods, so neither the broker nor the dealer changes when they
 * come. Lookups are lock-free; writers serialize on the table.
 */
package io.postmaster.router.match;
