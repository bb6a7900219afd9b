package io.postmaster.it;

import io.postmaster.cluster.Client;
import io.postmaster.cluster.RedisCluster;
import io.postmaster.cluster.RedisServer;
import io.postmaster.config.PostmasterConfig;
import io.postmaster.message.WampMessage;
import io.postmaster.message.WampMessage.Event;
import io.postmaster.message.WampMessage.Subscribe;
import io.postmaster.message.WampMessage.Subscribed;
import io.postmaster.router.Router;
import io.postmaster.testing.WampTestClient;
import org.jboss.arquillian.container.test.api.Deployer;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The WAR on WildFly as one node of a cluster (its Lettuce and Netty inside the WAR), a router in the test JVM as the
 * other, one real {@code redis-server}: events published on either node reach subscribers on the other, in order.
 * WildFly only: the cluster setting is given to the running server as a system property (through its management API) before
 * the WAR is deployed, and removed afterwards, so the other tests' deployments stay single nodes.
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class ClusterIT {
    private static final String DEPLOYMENT = "cluster";

    @Deployment(name = DEPLOYMENT, managed = false, testable = false)
    static WebArchive deployment() {
        return ContainerBase.builtWar();
    }

    @ArquillianResource
    Deployer deployer;

    @Test
    void eventsCrossBetweenTheWarOnWildFlyAndAnotherNode() throws Exception {
        String home = System.getProperty("jboss.home");
        assumeTrue(ContainerBase.container().equals("wildfly") && home != null,
                "the cluster setting is given to WildFly through its management API");
        RedisServer.require();
        ScheduledThreadPoolExecutor timers = new ScheduledThreadPoolExecutor(1);
        try (RedisServer redis = RedisServer.start()) {
            Map<String, String> settings = Map.of("postmaster.cluster.redis", redis.uri(),
                    "postmaster.cluster.heartbeat-ms", "200", "postmaster.cluster.node-ttl-ms", "2000");
            List<String> added = new ArrayList<>();
            try {
                for (Map.Entry<String, String> s : settings.entrySet()) {
                    cli(home, "{\"operation\" => \"add\", \"address\" => [(\"system-property\" => \"" + s.getKey()
                            + "\")], \"value\" => \"" + s.getValue() + "\"}");
                    added.add(s.getKey());
                }
                deployer.deploy(DEPLOYMENT);
                try {
                    crossNodes(redis, settings, timers);
                } finally {
                    deployer.undeploy(DEPLOYMENT);
                }
            } finally {
                for (String key : added) {
                    cli(home, "{\"operation\" => \"remove\", \"address\" => [(\"system-property\" => \"" + key + "\")]}");
                }
            }
        } finally {
            timers.shutdownNow();
        }
    }

    private static void crossNodes(RedisServer redis, Map<String, String> settings, ScheduledThreadPoolExecutor timers)
            throws Exception {
        PostmasterConfig config = PostmasterConfig.from(settings::get);
        try (RedisCluster cluster = RedisCluster.start(config); Router other = new Router(config, timers, cluster)) {
            cluster.attach(other);
            await(() -> redis.cli("SCARD", "pm:nodes").equals("2"), "both nodes joined");
            URI ws = URI.create("ws://127.0.0.1:" + (8080 + Integer.getInteger("it.port.offset", 300)) + "/ws");
            try (WampTestClient onWildFly = WampTestClient.join(ws, "realm1")) {
                onWildFly.send(new Subscribe(1, Map.of(), "com.cluster.a"));
                onWildFly.next(Subscribed.class);
                Client onOther = Client.join(other, "other");
                onOther.subscribe("com.cluster.b", null);

                // From the other node to WildFly: once its interest has reached the other node, in order.
                Client publisher = Client.join(other, "publisher");
                awaitFirst(() -> publisher.publish("com.cluster.a", Map.of(), List.of(-1L)),
                        () -> onWildFly.poll(100) instanceof Event);
                for (long i = 0; i < 50; i++) {
                    publisher.publish("com.cluster.a", Map.of(), List.of(i));
                }
                long expected = 0;
                while (expected < 50) {
                    Event e = onWildFly.next(Event.class);
                    if (!e.args().equals(List.of(-1L))) { // late probes
                        assertEquals(List.of(expected++), e.args(), "publisher order across nodes");
                    }
                }

                // From WildFly to the other node.
                awaitFirst(() -> send(onWildFly, new WampMessage.Publish(2, Map.of(), "com.cluster.b",
                        List.of("probe"), null)), () -> onOther.received.poll(100, TimeUnit.MILLISECONDS) != null);
                send(onWildFly, new WampMessage.Publish(3, Map.of(), "com.cluster.b", List.of("hello"), null));
                WampMessage m;
                do {
                    m = onOther.received.poll(5, TimeUnit.SECONDS);
                    assertTrue(m instanceof Event, "an event from WildFly, got " + m);
                } while (((Event) m).args().equals(List.of("probe")));
                assertEquals(List.of("hello"), ((Event) m).args());
            }
        }
    }

    private static void send(WampTestClient c, WampMessage m) {
        try {
            c.send(m);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    interface Check {
        boolean ok() throws Exception;
    }

    private static void await(Check condition, String what) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!condition.ok()) {
            assertTrue(System.nanoTime() < deadline, "not within 30 s: " + what);
            Thread.sleep(50); // the nodes join on their own threads: nothing to wait on but their state in Redis
        }
    }

    /** Does {@code action} until {@code arrived} (which waits a little itself) says its first effect arrived. */
    private static void awaitFirst(Runnable action, Check arrived) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        do {
            assertTrue(System.nanoTime() < deadline, "no event crossed the nodes within 30 s");
            action.run();
        } while (!arrived.ok());
    }

    /**
     * Runs one management operation on the suite's WildFly through the WildFly adapter's own management client (on
     * the class path only when testing on WildFly, hence reflection): the provisioned server has no CLI script.
     */
    private static void cli(String home, String operation) throws Exception {
        Class<?> factory = Class.forName("org.jboss.as.controller.client.ModelControllerClient$Factory");
        Class<?> node = Class.forName("org.jboss.dmr.ModelNode");
        int port = Integer.getInteger("it.management.port", 10290);
        try (AutoCloseable client = (AutoCloseable) factory.getMethod("create", String.class, String.class, int.class)
                .invoke(null, "remote+http", "127.0.0.1", port)) {
            Object op = node.getMethod("fromString", String.class).invoke(null, operation);
            Object result = Class.forName("org.jboss.as.controller.client.ModelControllerClient")
                    .getMethod("execute", node).invoke(client, op);
            assertTrue(result.toString().contains("\"outcome\" => \"success\""), operation + ": " + result);
        }
    }
}
