package io.postmaster.spi;

/**
 * CDI event: a session left its realm (the seed's {@code OnDisconnect}): GOODBYE, ABORT, a dropped transport, a
 * protocol violation or router shutdown. Fired once per joined session, after its subscriptions and registrations
 * are gone, on Postmaster's executor; an observer that throws is logged and harms no session.
 *
 * @param session who left
 */
public record SessionLeft(SessionDetails session) {
}
