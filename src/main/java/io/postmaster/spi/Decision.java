package io.postmaster.spi;

/**
 * An authorization decision.
 *
 * @param allowed   whether the action may go ahead
 * @param disclose  whether the caller's / publisher's identity is disclosed to callees / subscribers
 * @param cacheable whether the same answer holds for every session of the same realm and role, for this URI and
 *                  action, until the application restarts: Postmaster then does not ask again
 */
public record Decision(boolean allowed, boolean disclose, boolean cacheable) {
    public static final Decision DENY = new Decision(false, false, true);
    public static final Decision ALLOW = new Decision(true, false, true);
}
