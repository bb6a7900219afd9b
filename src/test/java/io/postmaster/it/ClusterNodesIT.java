package io.postmaster.it;

import io.postmaster.cluster.RedisServer;
import io.postmaster.testing.Await;
import org.jboss.arquillian.container.test.api.Deployer;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Three WildFly nodes with the same WAR and one real {@code redis-server} are one router: the suite's WildFly (the
 * WAR deployed by Arquillian) and two more WildFly servers started here from the same provisioned server
 * ({@link WildFlyNodes}). Autobahn|JS sessions on different nodes ({@code src/test/js/cluster.js}) run pub/sub
 * (exact, prefix and wildcard subscriptions: every event once per subscription, in publisher order), RPC (one
 * registration table: one ID, roundrobin over the callees of the three nodes, arguments and errors, a conflicting
 * REGISTER refused), the session meta API cluster-wide (count, list, get, {@code on_join}/{@code on_leave} seen on
 * another node); then the failures, with the real processes: node 2 stopped ({@code SIGSTOP}) for 10 s and continued
 * (the call pending to it ends within 5 s, it is declared dead, it rejoins with no ghost registration and no
 * duplicate event), node 3 killed ({@code SIGKILL}: the call pending to it ends within 5 s, its sessions and
 * registrations go, the next call goes to a surviving callee).
 *
 * <p>WildFly only: the cluster setting is given to the suite's server as a system property through its management
 * API before the WAR is deployed, and removed afterwards (as {@link ClusterIT} does), so the other tests' deployments
 * stay single nodes; the further servers get it on their command line. Every node beats every 250 ms and is dead to
 * the others after 2 s of silence, so the failures show in seconds.
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class ClusterNodesIT {
    private static final String DEPLOYMENT = "cluster-nodes";
    /** The scenarios of cluster.js, in the order it runs them: the failures last, node 3 killed at the very end. */
    private static final List<String> SCENARIOS = List.of("pubsub", "rpc", "meta", "stop-cont", "kill-9");

    @Deployment(name = DEPLOYMENT, managed = false, testable = false)
    static WebArchive deployment() {
        return ContainerBase.builtWar();
    }

    @ArquillianResource
    Deployer deployer;

    @Test
    void threeWildFlyNodesAreOneRouter() throws Exception {
        String home = System.getProperty("jboss.home");
        assumeTrue(ContainerBase.container().equals("wildfly") && home != null,
                "the further nodes are WildFly servers started from the suite's provisioned WildFly");
        RedisServer.require();
        int offset = Integer.getInteger("it.port.offset", 300);
        int management = Integer.getInteger("it.management.port", 10290);
        try (RedisServer redis = RedisServer.start()) {
            Map<String, String> cluster = new LinkedHashMap<>();
            cluster.put("postmaster.cluster.redis", redis.uri());
            cluster.put("postmaster.cluster.heartbeat-ms", "250");
            cluster.put("postmaster.cluster.node-ttl-ms", "2000");
            Map<String, String> further = new LinkedHashMap<>(cluster);
            // The suite's settings ping a silent client after 2 s and drop it at the next miss: the clients of node 2
            // would be dropped by their own node when it continues after 10 s, which is the keepalive's business,
            // not the cluster's. The default (30 s) here.
            further.put("postmaster.ping-interval-ms", "30000");
            // the further nodes start first (in parallel, from their own deployments directory) and boot while the
            // suite's server gets the WAR
            try (WildFlyNodes others = WildFlyNodes.start(Path.of(home),
                    Path.of(System.getProperty("postmaster.war", "target/postmaster.war")),
                    Path.of(System.getProperty("postmaster.it.config", "src/test/resources/postmaster-it.properties")),
                    List.of(offset + 10, offset + 20), List.of(management + 10, management + 20), further)) {
                WildFlyNodes.withSuiteServerProperties(cluster, deployer, DEPLOYMENT, () -> threeNodes(redis, offset, others));
            }
        }
    }

    private static void threeNodes(RedisServer redis, int offset, WildFlyNodes others) throws Exception {
        others.awaitReady(Duration.ofSeconds(180));
        Await.until("the three nodes joined", Duration.ofSeconds(30),
                () -> redis.cli("SCARD", "pm:nodes").equals("3"));
        WildFlyNodes.Node node2 = others.nodes().get(0);
        WildFlyNodes.Node node3 = others.nodes().get(1);
        long pid2 = node2.jvmPid();
        long pid3 = node3.jvmPid();
        assertTrue(pid2 > 0 && pid3 > 0, "the JVMs of the further nodes: " + pid2 + ", " + pid3);
        String node1 = "ws://127.0.0.1:" + (8080 + offset) + "/ws";
        try {
            ClientScripts.node(SCENARIOS, "cluster.js", "--url", node1, "--nodes", node2.ws() + "," + node3.ws(),
                    "--pids", "0," + pid2 + "," + pid3, "--realm", "realm1", "--timeout", "60000");
        } catch (AssertionError e) {
            throw new AssertionError(e.getMessage() + "\n--- node 2's console:\n" + WildFlyNodes.tail(node2)
                    + "\n--- node 3's console:\n" + WildFlyNodes.tail(node3), e);
        }
        // node 3 was killed: the others removed it from the cluster's node set; node 2 is back in it
        Await.until("only node 3 is gone from the node set", Duration.ofSeconds(10),
                () -> redis.cli("SCARD", "pm:nodes").equals("2"));
    }
}
