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
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The WAR on WildFly as one node of a cluster (its Lettuce and Netty inside the WAR), a router in the test JVM as the
 * other, one real {@code redis-server}: events published on either node reach subscribers on the other, in order;
 * a procedure registered on either node is called from the other; the WAR's readiness says it is joined.
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
            WildFlyNodes.withSuiteServerProperties(settings, deployer, DEPLOYMENT, () -> crossNodes(redis, settings, timers));
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
            rpcBothWays(ws, other);
            HttpResponse<String> ready = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(
                    "http://127.0.0.1:" + (8080 + Integer.getInteger("it.port.offset", 300)) + "/health/ready"))
                    .build(), HttpResponse.BodyHandlers.ofString());
            assertTrue(ready.body().contains("\"name\":\"cluster-engine\",\"status\":\"UP\""), ready.body());
        }
    }

    /** A callee on WildFly called from the other node, and a callee on the other node called from WildFly. */
    private static void rpcBothWays(URI ws, Router other) throws Exception {
        try (WampTestClient calleeOnWildFly = WampTestClient.join(ws, "realm1");
             WampTestClient callerOnWildFly = WampTestClient.join(ws, "realm1")) {
            calleeOnWildFly.send(new WampMessage.Register(1, Map.of(), "com.cluster.add"));
            long registration = calleeOnWildFly.next(WampMessage.Registered.class).registration();
            Client callerOnOther = Client.join(other, "caller", Client.RPC_ROLES);
            WampMessage.Invocation inv = null;
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (inv == null) { // until the registration has reached the other node
                assertTrue(System.nanoTime() < deadline, "the registration did not reach the other node in 30 s");
                long call = callerOnOther.call("com.cluster.add", Map.of(), List.of(2, 3));
                if (calleeOnWildFly.poll(200) instanceof WampMessage.Invocation i) {
                    inv = i;
                    calleeOnWildFly.send(new WampMessage.Yield(i.request(), Map.of(), List.of(5), null));
                    WampMessage.Result r = callerOnOther.next(WampMessage.Result.class);
                    assertEquals(call, r.request());
                    assertEquals(List.of(5L), r.args());
                } else {
                    assertEquals("wamp.error.no_such_procedure",
                            callerOnOther.next(WampMessage.Error.class).error());
                }
            }
            assertEquals(registration, inv.registration(), "one registration ID on both nodes");

            Client calleeOnOther = Client.join(other, "callee", Client.RPC_ROLES);
            calleeOnOther.register("com.cluster.echo", Map.of());
            deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            for (long request = 1; ; request++) {
                assertTrue(System.nanoTime() < deadline, "the registration did not reach WildFly in 30 s");
                callerOnWildFly.send(new WampMessage.Call(request, Map.of(), "com.cluster.echo", List.of("x"), null));
                if (calleeOnOther.received.poll(200, TimeUnit.MILLISECONDS) instanceof WampMessage.Invocation i) {
                    calleeOnOther.yield(i.request(), Map.of(), List.of("echo"));
                    WampMessage.Result r = callerOnWildFly.next(WampMessage.Result.class);
                    assertEquals(request, r.request());
                    assertEquals(List.of("echo"), r.args());
                    break;
                }
                assertEquals("wamp.error.no_such_procedure", callerOnWildFly.next(WampMessage.Error.class).error());
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
}
