package io.postmaster.it;

import io.postmaster.message.WampMessage;
import io.postmaster.testing.Await;
import io.postmaster.testing.RawWebSocket;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
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
class PeerAddressIT extends ContainerBase {
    private static final int CONNECTIONS = 16;

    @Deployment(testable = false)
    static WebArchive deployment() {
        return builtWar().addClass(PeerProbe.class);
    }

    @Test
    void eachSessionKnowsItsPeersAddressAndPort() throws Exception {
        String[] from = {"127.0.0.1", "127.0.0.2"};
        ExecutorService pool = Executors.newFixedThreadPool(CONNECTIONS);
        CountDownLatch start = new CountDownLatch(1);
        List<Future<RawWebSocket>> opening = new ArrayList<>();
        for (int i = 0; i < CONNECTIONS; i++) {
            String local = from[i % from.length];
            Callable<RawWebSocket> open = () -> {
                start.await();
                return raw(local);
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
                hello(c, "realm1");
                WampMessage welcome = read(c);
                long session = assertInstanceOf(WampMessage.Welcome.class, welcome).session();
                HttpRequest probe = HttpRequest.newBuilder(http("/postmaster-it/peer?realm=realm1&session=" + session))
                        .build();
                // the router lists a session in its realm just after sending WELCOME: asked until it does
                HttpResponse<String> peer = Await.value("session " + session + " listed in realm1",
                        Duration.ofSeconds(5), () -> {
                            HttpResponse<String> r = http.send(probe, HttpResponse.BodyHandlers.ofString());
                            return r.statusCode() == 404 ? null : r;
                        });
                assertEquals(200, peer.statusCode(), peer.body());
                assertEquals(c.localAddress(), peer.body(), "the peer address of session " + session);
            }
        } finally {
            pool.shutdownNow();
            connections.forEach(RawWebSocket::close);
        }
    }
}
