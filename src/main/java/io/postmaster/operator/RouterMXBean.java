package io.postmaster.operator;

/**
 * The router of one deployment, as JMX tools show it: {@code io.postmaster:type=Router,context=<context path>}.
 * Open types only, so any JMX client (JConsole, VisualVM, jmxproxy, Payara's metrics) reads it without Postmaster's
 * classes.
 */
public interface RouterMXBean {
    String getVersion();

    long getUptimeSeconds();

    String[] getRealmNames();

    int getRealmCount();

    int getSessionCount();

    int getConnectionCount();

    int getCallsInFlight();

    long getSessionsOpened();

    long getMessagesIn();

    long getMessagesOut();

    long getBytesIn();

    long getBytesOut();

    long getProtocolViolations();

    long getAuthFailures();

    long getSlowConsumerCloses();

    boolean isDraining();

    /**
     * Ends a session: GOODBYE with {@code reason} (a WAMP URI; {@code wamp.close.normal} when empty or invalid), then
     * its transport is closed. Returns whether a session with this ID was joined.
     */
    boolean killSession(long sessionId, String reason);

    /** Ends every session of {@code realm} authenticated as {@code authid}; returns how many. */
    int killByAuthid(String realm, String authid, String reason);

    /**
     * Refuses new sessions and calls from now on (readiness DOWN), lets the calls already routed finish for up to
     * {@code postmaster.drain-grace-ms}, then says GOODBYE {@code wamp.close.system_shutdown} to every session. The
     * deployment stays drained until it is restarted.
     */
    void drain();
}
