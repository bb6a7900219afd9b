package io.postmaster.router;

import io.postmaster.router.match.MatchPolicy;

import java.time.Instant;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One registration: a procedure pattern, its invocation policy and the callees serving it (one unless the policy
 * shares it). The callee list is copy-on-write, changed only under the realm's procedure-table monitor, read
 * without locks when routing a call.
 */
final class Registration {
    private final long id;
    private final String procedure;
    private final MatchPolicy policy;
    private final InvokePolicy invoke;
    private final long created = System.currentTimeMillis();
    private final AtomicInteger next = new AtomicInteger();
    private volatile Callee[] callees = new Callee[0];

    /**
     * A callee on this registration, whether it asked that callers be disclosed to it, and its place in registration
     * order (on a cluster, the cluster-wide order; the first and last policies pick by it).
     */
    record Callee(Registration registration, Party party, boolean discloseCaller, long order) {
    }

    Registration(long id, String procedure, MatchPolicy policy, InvokePolicy invoke) {
        this.id = id;
        this.procedure = procedure;
        this.policy = policy;
        this.invoke = invoke;
    }

    long id() { return id; }
    String procedure() { return procedure; }
    MatchPolicy policy() { return policy; }
    InvokePolicy invoke() { return invoke; }

    /** The sessions serving this registration, in registration order. */
    List<Session> callees() {
        return Arrays.stream(callees).map(c -> c.party().session).toList();
    }

    /** The callees with what they asked, in registration order. */
    List<Callee> calleeList() {
        return List.of(callees);
    }

    boolean has(Party s) {
        for (Callee c : callees) {
            if (c.party() == s) {
                return true;
            }
        }
        return false;
    }

    /** Adds a callee in its place by {@code order} (after those of equal order). */
    void add(Party s, boolean discloseCaller, long order) {
        Callee[] old = callees;
        Callee[] c = new Callee[old.length + 1];
        int at = old.length;
        while (at > 0 && old[at - 1].order() > order) {
            at--;
        }
        System.arraycopy(old, 0, c, 0, at);
        c[at] = new Callee(this, s, discloseCaller, order);
        System.arraycopy(old, at, c, at + 1, old.length - at);
        callees = c;
    }

    /** Removes a callee; true when none is left. */
    boolean remove(Party s) {
        callees = Arrays.stream(callees).filter(c -> c.party() != s).toArray(Callee[]::new);
        return callees.length == 0;
    }

    /** The callee the next call goes to under the invocation policy, or null if none is left. */
    Callee pick() {
        Callee[] c = callees;
        if (c.length == 0) {
            return null;
        }
        return switch (invoke) {
            case SINGLE, FIRST -> c[0];
            case LAST -> c[c.length - 1];
            case ROUNDROBIN -> c[Math.floorMod(next.getAndIncrement(), c.length)];
            case RANDOM -> c[ThreadLocalRandom.current().nextInt(c.length)];
        };
    }

    /** The registration as the meta API describes it: {@code id, created, uri, match, invoke}. */
    Map<String, Object> details() {
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("id", id);
        d.put("created", Instant.ofEpochMilli(created).toString());
        d.put("uri", procedure);
        d.put("match", policy.wireName());
        d.put("invoke", invoke.wireName());
        return d;
    }

    @Override
    public String toString() {
        return "registration " + id + " (" + policy.wireName() + " " + procedure + ", " + invoke.wireName() + ")";
    }
}
