/**
 * URI matching, shared by the broker (topics → subscriptions) and the dealer (procedures → registrations).
 *
 * <p>{@link io.postmaster.router.match.UriTable} is the one structure both use: exact, prefix and wildcard
 * patterns; {@code forEachMatch} for the broker (every matching subscription), {@code bestMatch} for the dealer
 * (the spec's precedence: exact, longest prefix, longest literal runs of a wildcard). Prefix and wildcard patterns
 * live in radix trees ({@code PrefixTree} over characters, {@code WildcardTree} over components, both shaped by
 * {@code RadixTree}), so a lookup costs O(URI length) whatever the number of patterns. Lookups are lock-free; writers
 * serialize on the table. What a pattern matches is defined once, in {@link io.postmaster.message.Uris}: the trees
 * find many patterns at once by the same rules that permission rules apply one at a time.
 */
package io.postmaster.router.match;
