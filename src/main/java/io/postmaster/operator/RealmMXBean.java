package io.postmaster.operator;

/** One realm: {@code io.postmaster:type=Realm,context=<context path>,name=<realm>}. Open types only. */
public interface RealmMXBean {
    String getName();

    int getSessionCount();

    int getSubscriptionCount();

    int getRegistrationCount();

    int getCallsInFlight();

    long getPublications();

    long getDeliveries();

    /** Calls that ended (RESULT, ERROR, cancel or timeout) since the start. */
    long getCallsCompleted();

    /** Ends every session of this realm authenticated as {@code authid}; returns how many. */
    int killByAuthid(String authid, String reason);
}
