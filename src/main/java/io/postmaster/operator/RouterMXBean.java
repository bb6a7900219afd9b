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

    /**
     * Serves a new realm from now on, without a redeploy. {@code definition} is a JSON object of the realm's settings,
     * named as in the configuration without the {@code postmaster.realm.<name>.} prefix, e.g.
     * {@code {"anonymous":"false","roles":"user","role.user.permissions":"com.example. prefix all","users":"joe",
     * "user.joe.role":"user","user.joe.ticket":"pbkdf2-sha256$…"}}; empty: an open realm like {@code realm1}.
     * Refused (with the reason) if the realm is served, the definition is not valid, or {@code postmaster.realms-max}
     * realms are served.
     */
    void addRealm(String name, String definition);

    /**
     * Replaces a served realm's authentication methods, roles, users and permissions: new logins use them; sessions
     * already joined keep what they got at their login.
     */
    void changeRealm(String name, String definition);

    /**
     * Stops serving a realm: its sessions get GOODBYE {@code wamp.close.close_realm}, a HELLO naming it
     * {@code wamp.error.no_such_realm}. Returns how many sessions were told GOODBYE.
     */
    int removeRealm(String name);
}
