package io.postmaster.router.dealer;

import io.postmaster.router.Session;
import io.postmaster.router.match.MatchPolicy;

/** One registration: a procedure pattern and the session that serves it. */
public final class Registration {
    private final long id;
    private final String procedure;
    private final MatchPolicy policy;
    private final Session callee;
    private final long created = System.currentTimeMillis();

    Registration(long id, String procedure, MatchPolicy policy, Session callee) {
        this.id = id;
        this.procedure = procedure;
        this.policy = policy;
        this.callee = callee;
    }

    public long id() { return id; }
    public String procedure() { return procedure; }
    public MatchPolicy policy() { return policy; }
    public Session callee() { return callee; }
    /** When the registration was created, in epoch milliseconds. */
    public long created() { return created; }

    @Override
    public String toString() {
        return "registration " + id + " (" + policy.wireName() + " " + procedure + ")";
    }
}
