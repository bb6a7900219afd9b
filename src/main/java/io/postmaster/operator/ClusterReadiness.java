package io.postmaster.operator;

import io.postmaster.endpoint.PostmasterRuntime;
import io.postmaster.router.Backplane;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Readiness check {@code cluster-engine}: a node configured as one of a cluster ({@code postmaster.cluster.redis})
 * is ready only while it is joined — it reaches Redis and routes with the other nodes; while Redis is unreachable
 * (at start, or lost) it is DOWN, so a load balancer sends new clients to the nodes that are. It still routes its
 * own sessions meanwhile. A single node is always UP here.
 */
@ApplicationScoped
public class ClusterReadiness implements ReadinessCheck {
    static final String NAME = "cluster-engine";

    @Inject
    PostmasterRuntime runtime;

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Health.Check check() {
        return check(runtime.backplane());
    }

    /** The check for {@code backplane}: answered from the state its heartbeat keeps, never waiting on Redis. */
    public static Health.Check check(Backplane backplane) {
        if (!backplane.clustered()) {
            return ReadinessCheck.of(NAME, true, Map.of("configured", false));
        }
        boolean joined = backplane.joined();
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("configured", true);
        data.put("joined", joined);
        data.put("node", backplane.nodeId());
        return ReadinessCheck.of(NAME, joined, data);
    }
}
