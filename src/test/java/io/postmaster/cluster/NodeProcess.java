package io.postmaster.cluster;

import io.postmaster.config.PostmasterConfig;
import io.postmaster.message.WampMessage.Event;
import io.postmaster.message.WampMessage.Invocation;
import io.postmaster.router.Router;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ScheduledThreadPoolExecutor;

/**
 * A cluster node in a process of its own, for the failure tests that stop and continue a real process: a router
 * joined through Redis (args: the Redis URI), with one client that registers {@code com.proc} (answered at once) and
 * {@code com.hold} (never answered) and subscribes {@code com.stop}. It prints {@code ready} once both are
 * registered, and {@code event <argument>} for each EVENT it receives.
 */
public final class NodeProcess {
    public static void main(String[] args) throws Exception {
        PostmasterConfig config = PostmasterConfig.from(ClusterFixture.settings(args[0], Map.of())::get);
        ScheduledThreadPoolExecutor timers = new ScheduledThreadPoolExecutor(1);
        RedisCluster cluster = RedisCluster.start(config);
        Router router = new Router(config, timers, cluster);
        cluster.attach(router);
        while (!cluster.joined()) {
            Thread.sleep(10);
        }
        Client client = Client.join(router, "process", Client.RPC_ROLES);
        long proc = client.register("com.proc", Map.of("invoke", "roundrobin"));
        client.register("com.hold", Map.of());
        client.subscribe("com.stop", null);
        System.out.println("ready");
        System.out.flush();
        while (true) {
            Object m = client.received.take();
            if (m instanceof Invocation inv && inv.registration() == proc) {
                client.yield(inv.request(), Map.of(), List.of("from the process"));
            } else if (m instanceof Event e) {
                System.out.println("event " + e.args().get(0));
                System.out.flush();
            }
        }
    }
}
