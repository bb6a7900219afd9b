package io.postmaster.it;

import io.postmaster.message.WampMessage.Invocation;
import io.postmaster.message.WampMessage.Register;
import io.postmaster.message.WampMessage.Registered;
import io.postmaster.message.WampMessage.Yield;
import io.postmaster.testing.WampTestClient;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import static io.postmaster.it.HostileWebwireIT.head;
import static io.postmaster.it.HostileWebwireIT.request;
import static org.junit.jupiter.api.Assertions.*;

/**
 * The drain (the MXBean's {@code drain}, what undeploy does first) as webwire clients see it: a webwire request is a
 * router call, so one already running gets its reply within the grace ({@code postmaster.drain-grace-ms}, 3 s in the
 * suite); a new request gets webwire's shutdown reply, a new connection HTTP 503; then the connection is closed as
 * going away. Its own class: the drain ends the deployment's router.
 */
class WebwireDrainIT extends ContainerBase {

    @Deployment(testable = false)
    static WebArchive deployment() {
        return builtWar().addClass(JmxProbe.class);
    }

    private SeedSocket connect() throws IOException {
        return new SeedSocket(URI.create("ws://127.0.0.1:" + base.getPort() + "/"), null);
    }

    @Test
    void aRunningRequestIsAnsweredNewRequestsGetTheShutdownReplyThenTheConnectionCloses() throws Exception {
        OperatorHttp http = new OperatorHttp("http://127.0.0.1:" + base.getPort());
        try (WampTestClient backend = joinWithTicket("wire", "backend", "backend-ticket");
             SeedSocket client = connect()) {
            backend.send(new Register(1, Map.of(), "webwire.request.slow"));
            backend.next(Registered.class);
            client.sendBinary(request(1, "slow", "running"));
            Invocation running = backend.next(Invocation.class);

            assertEquals(200, http.jmxInvoke("io.postmaster:type=Router,context=/", "drain", "").statusCode());

            client.sendBinary(request(2, "slow", "late"));
            assertEquals("1:2", head(client.nextBinary()), "a new request: the shutdown reply");
            IOException refused = assertThrows(IOException.class, this::connect, "a new connection is refused");
            assertTrue(refused.getMessage().contains(" 503"), refused.getMessage());

            backend.send(new Yield(running.request(), Map.of(), List.of("finished"), null));
            byte[] reply = client.nextBinary();
            assertEquals("192:1", head(reply), "the running request's reply (UTF-8)");
            assertEquals("finished", new String(reply, 9, reply.length - 9, StandardCharsets.UTF_8));

            SeedSocket.Frame close = client.next();
            assertEquals(8, close.opcode(), "then the connection is closed");
            assertEquals(1001, ((close.payload()[0] & 0xff) << 8) | (close.payload()[1] & 0xff), "as going away");
        }
    }
}
