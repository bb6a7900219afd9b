package io.postmaster.spi;

/**
 * CDI event: a session joined a realm (the seed's {@code OnAuthenticated}). Observe it with
 * {@code void joined(@Observes SessionJoined e)}. Fired as the session is admitted (WELCOME goes out at the same
 * time), on Postmaster's executor, outside any routing lock, and always before the same session's
 * {@link SessionLeft}; an observer that throws is logged and harms no session.
 *
 * @param session     who joined
 * @param permissions the permissions the session got
 */
public record SessionJoined(SessionDetails session, Permissions permissions) {
}
