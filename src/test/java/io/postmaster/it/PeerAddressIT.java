package io.postmaster.it;

import io.postmaster.message.WampMessage;
import io.postmaster.serialization.JsonSerializer;
import io.postmaster.testing.WampTestClient;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.net.InetAddress;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The router knows each connection's peer address (what its log lines name), on every server: JSR-356 has no API for
 * it, so this is the check that the way Postmaster finds it ({@code Transports}) works where it is deployed.
 * Connections come from known local ports, some from a second loopback address, all opened at once so that one
 * connection's address cannot be mistaken for another's.
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class PeerAddressIT {
    private static final int CONNECTIONS = 16;
    private static final JsonSerializer JSON = new JsonSerializer();

    @Deployment(testable = false)
    static WebArchive deployment() {
        return Deployments.builtWar().addClass(PeerProbe.class);
    }

    @ArquillianResource
    URL base;

    @Test
    void eachSessionKnowsItsPeersAddressAndPort() throws Exception {
        URI ws = Deployments.ws(base);
        InetAddress[] from = {InetAddress.getByName("127.0.0.1"), InetAddress.getByName("127.0.0.2")};
        ExecutorService pool = Executors.newFixedThreadPool(CONNECTIONS);
        CountDownLatch start = new CountDownLatch(1);
        List<Future<RawWebSocket>> opening = new ArrayList<>();
        for (int i = 0; i < CONNECTIONS; i++) {
            InetAddress local = from[i % from.length];
            Callable<RawWebSocket> open = () -> {
                start.await();
                return new RawWebSocket(ws, local, "wamp.2.json");
            };
            opening.add(pool.submit(open));
        }
        start.countDown();
        List<RawWebSocket> connections = new ArrayList<>();
        try {
            for (Future<RawWebSocket> f : opening) {
                connections.add(f.get(30, TimeUnit.SECONDS));
            }
            HttpClient http = HttpClient.newHttpClient();
            for (RawWebSocket c : connections) {
                c.sendText(JSON.encodeToString(new WampMessage.Hello("realm1", WampTestClient.ROLES)));
                WampMessage welcome = JSON.decode(c.readText());
                long session = assertInstanceOf(WampMessage.Welcome.class, welcome).session();
                HttpRequest probe = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + ws.getPort()
                        + "/postmaster-it/peer?realm=realm1&session=" + session)).build();
                // the router lists a session in its realm just after sending WELCOME: ask again briefly
                HttpResponse<String> peer = http.send(probe, HttpResponse.BodyHandlers.ofString());
                for (int tries = 0; peer.statusCode() == 404 && tries < 50; tries++) {
                    Thread.sleep(100);
                    peer = http.send(probe, HttpResponse.BodyHandlers.ofString());
                }
                assertEquals(200, peer.statusCode(), peer.body());
                assertEquals(c.localAddress(), peer.body(), "the peer address of session " + session);
            }
        } finally {
            pool.shutdownNow();
            for (RawWebSocket c : connections) {
                c.close();
            }
        }
    }
}
