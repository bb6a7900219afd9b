package io.postmaster.operator;

import java.util.Map;

/**
 * A condition the router's readiness ({@code <context>/health/ready}) depends on beyond its own, e.g. a cluster
 * engine being reachable. Any CDI bean implementing it is asked on every readiness request: keep {@link #check()}
 * fast and non-blocking (answer from a state the bean keeps up to date), and never throw.
 */
public interface ReadinessCheck {

    /** The check's name in the health response, e.g. {@code cluster-engine}. */
    String name();

    /** The current state: whether it is up, and what to show with it. */
    Health.Check check();

    /** A check's answer from its parts. */
    static Health.Check of(String name, boolean up, Map<String, Object> data) {
        return new Health.Check(name, up, data);
    }
}
