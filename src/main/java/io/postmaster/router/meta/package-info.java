/**
 * The router's own procedures: the WAMP meta API ({@code wamp.session.*}, {@code wamp.subscription.*},
 * {@code wamp.registration.*}) and testaments, answered in-process by {@link io.postmaster.router.meta.MetaApi}.
 * The meta events ({@code on_join}, {@code on_create} …) are published by the realm, broker and dealer where the
 * change happens. Free of Jakarta EE; the admin console will read the same state.
 */
package io.postmaster.router.meta;
