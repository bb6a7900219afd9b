package io.postmaster.spi;

/**
 * CDI event: a session joined a realm (the seed's {@code OnAuthenticated}). Observe it with
 * {@code void joined(@Observes SessionJoined e)}. Fired after WELCOME was sent, on Postmaster's executor, outside
 * any routing lock; an observer that throws is logged and harms no session.
 *
 * @param session     who joined
 * @param permissions the permissions the session got
 */
public record SessionJoined(SessionDetails session, Permissions permissions) {
}
