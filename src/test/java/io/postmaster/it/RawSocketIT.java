package io.postmaster.it;

import io.postmaster.message.WampMessage;
import io.postmaster.serialization.CborSerializer;
import io.postmaster.serialization.JsonSerializer;
import io.postmaster.serialization.MsgpackSerializer;
import io.postmaster.testing.RawSocketTestClient;
import io.postmaster.testing.WampTestClient;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/**
 * WAMP over RawSocket against the deployed WAR: the listener the deployment opens (the suite's settings enable it,
 * on the port the pom gives), sessions that meet WebSocket sessions in one realm — events and calls both ways, each
 * serializer on each side — and the same authentication, authorization and meta API as WebSocket sessions.
 * Deploying and undeploying this class and {@link HostileRawSocketIT} one after the other also shows that an
 * undeploy frees the port: a port left bound would fail the next deployment.
 */
class RawSocketIT extends ContainerBase {

    @Deployment(testable = false)
    static WebArchive deployment() {
        return builtWar();
    }


    private static final Map<String, Object> ACK = Map.of("acknowledge", true);

    @Test
    void rawSocketAndWebSocketSessionsExchangeEventsAndCallsInOneRealm() throws Exception {
        // each RawSocket serializer (1 JSON, 2 MessagePack, 3 CBOR) with the same and with another one on WebSocket
        exchange(1, JsonSerializer.SUBPROTOCOL);
        exchange(2, MsgpackSerializer.SUBPROTOCOL);
        exchange(3, CborSerializer.SUBPROTOCOL);
        exchange(1, CborSerializer.SUBPROTOCOL);
        exchange(2, JsonSerializer.SUBPROTOCOL);
        exchange(3, MsgpackSerializer.SUBPROTOCOL);
    }

    private void exchange(int serializer, String subprotocol) throws Exception {
        URI ws = ws();
        String suffix = serializer + "." + subprotocol.substring(7) + "." + System.nanoTime();
        try (RawSocketTestClient raw = RawSocketTestClient.join(RawSockets.HOST, RawSockets.port(), serializer,
                "realm1");
             WampTestClient web = WampTestClient.join(ws, "realm1", subprotocol)) {
            List<Object> args = List.of(1L, "zwei", 3.5, List.of(true), Map.of("k", "v"));
            byte[] blob = {0, 1, (byte) 0xFE, (byte) 0xFF};

            // WebSocket publisher -> RawSocket subscriber
            String topic = "com.example.rs.topic." + suffix;
            raw.send(new WampMessage.Subscribe(1, Map.of(), topic));
            long sub = raw.next(WampMessage.Subscribed.class).subscription();
            web.send(new WampMessage.Publish(2, ACK, topic, List.of(args, blob), Map.of("from", "ws")));
            web.next(WampMessage.Published.class);
            WampMessage.Event e = raw.next(WampMessage.Event.class);
            assertEquals(sub, e.subscription());
            assertEquals(args, e.args().get(0), "event args from a WebSocket publisher");
            assertArrayEquals(blob, (byte[]) e.args().get(1), "binary survives the crossing");
            assertEquals(Map.of("from", "ws"), e.kwargs());

            // RawSocket publisher -> WebSocket subscriber
            String back = "com.example.rs.back." + suffix;
            web.send(new WampMessage.Subscribe(3, Map.of(), back));
            web.next(WampMessage.Subscribed.class);
            raw.send(new WampMessage.Publish(4, ACK, back, args, Map.of("from", "rawsocket")));
            raw.next(WampMessage.Published.class);
            WampMessage.Event e2 = web.next(WampMessage.Event.class);
            assertEquals(args, e2.args(), "event args from a RawSocket publisher");
            assertEquals(Map.of("from", "rawsocket"), e2.kwargs());

            // WebSocket caller -> RawSocket callee
            String proc = "com.example.rs.echo." + suffix;
            raw.send(new WampMessage.Register(5, Map.of(), proc));
            raw.next(WampMessage.Registered.class);
            web.send(new WampMessage.Call(6, Map.of(), proc, args, Map.of("x", 1L)));
            WampMessage.Invocation inv = raw.next(WampMessage.Invocation.class);
            assertEquals(args, inv.args());
            raw.send(new WampMessage.Yield(inv.request(), Map.of(), inv.args(), inv.kwargs()));
            WampMessage.Result r = web.next(WampMessage.Result.class);
            assertEquals(6, r.request());
            assertEquals(args, r.args());
            assertEquals(Map.of("x", 1L), r.kwargs());

            // RawSocket caller -> WebSocket callee, and an error back
            String wsProc = "com.example.rs.fails." + suffix;
            web.send(new WampMessage.Register(7, Map.of(), wsProc));
            web.next(WampMessage.Registered.class);
            raw.send(new WampMessage.Call(8, Map.of(), wsProc, List.of("in"), Map.of()));
            WampMessage.Invocation inv2 = web.next(WampMessage.Invocation.class);
            web.send(new WampMessage.Error(68, inv2.request(), Map.of(), "com.example.error.rs", List.of("why"),
                    Map.of()));
            WampMessage.Error err = raw.next(WampMessage.Error.class);
            assertEquals(8, err.request());
            assertEquals("com.example.error.rs", err.error());
            assertEquals(List.of("why"), err.args());

            // the router's own answers reach a RawSocket session too
            raw.send(new WampMessage.Call(9, Map.of(), "com.example.rs.nobody." + suffix, List.of(), Map.of()));
            assertEquals("wamp.error.no_such_procedure", raw.next(WampMessage.Error.class).error());
        }
    }

    @Test
    void metaApiDescribesARawSocketSessionAsSuch() throws Exception {
        try (RawSocketTestClient raw = RawSocketTestClient.open(RawSockets.HOST, RawSockets.port(), 3);
             WampTestClient web = WampTestClient.join(ws(), "realm1")) {
            raw.send(new WampMessage.Hello("realm1", WampTestClient.ROLES));
            long id = raw.next(WampMessage.Welcome.class).session();
            web.send(new WampMessage.Call(1, Map.of(), "wamp.session.get", List.of(id), Map.of()));
            WampMessage.Result r = web.next(WampMessage.Result.class);
            @SuppressWarnings("unchecked")
            Map<String, Object> details = (Map<String, Object>) r.args().get(0);
            assertEquals(Map.of("type", "rawsocket", "protocol", CborSerializer.SUBPROTOCOL), details.get("transport"),
                    "wamp.session.get of a RawSocket session: " + details);
        }
    }

    @Test
    void credentialsAndPermissionsApplyAsOnWebSocket() throws Exception {
        try (RawSocketTestClient raw = RawSocketTestClient.open(RawSockets.HOST, RawSockets.port(), 2)) {
            raw.send(new WampMessage.Hello("authrealm", Map.of("roles", WampTestClient.ROLES.get("roles"),
                    "authmethods", List.of("ticket"), "authid", "joe")));
            WampMessage.Challenge c = raw.next(WampMessage.Challenge.class);
            assertEquals("ticket", c.authMethod());
            raw.send(new WampMessage.Authenticate("joe-secret-ticket", Map.of()));
            WampMessage.Welcome w = raw.next(WampMessage.Welcome.class, 30_000); // a PBKDF2 check of 100,000 rounds
            assertEquals("joe", w.details().get("authid"));
            assertEquals("user", w.details().get("authrole"));
            // the role's rules: com.example.admin. is closed to it
            raw.send(new WampMessage.Publish(1, ACK, "com.example.admin.reboot", List.of(), Map.of()));
            WampMessage.Error denied = raw.next(WampMessage.Error.class);
            assertEquals("wamp.error.not_authorized", denied.error());
            raw.send(new WampMessage.Publish(2, ACK, "com.example.news", List.of(), Map.of()));
            raw.next(WampMessage.Published.class);
        }
        try (RawSocketTestClient raw = RawSocketTestClient.open(RawSockets.HOST, RawSockets.port(), 1)) {
            raw.send(new WampMessage.Hello("authrealm", Map.of("roles", WampTestClient.ROLES.get("roles"),
                    "authmethods", List.of("ticket"), "authid", "joe")));
            raw.next(WampMessage.Challenge.class);
            raw.send(new WampMessage.Authenticate("wrong", Map.of()));
            WampMessage.Abort a = raw.next(WampMessage.Abort.class, 30_000); // the check, then the refusal's delay
            assertEquals("wamp.error.not_authorized", a.reason(), "a wrong ticket, as on WebSocket");
            assertTrue(raw.closedWithin(5_000), "closed after ABORT");
        }
    }

    @Test
    void goodbyeIsAnsweredAndTheConnectionMayJoinAgain() throws Exception {
        try (RawSocketTestClient raw = RawSocketTestClient.join(RawSockets.HOST, RawSockets.port(), 1, "realm1")) {
            raw.send(new WampMessage.Goodbye(Map.of(), "wamp.close.close_realm"));
            assertEquals("wamp.close.goodbye_and_out", raw.next(WampMessage.Goodbye.class).reason());
            raw.send(new WampMessage.Hello("realm1", WampTestClient.ROLES));
            raw.next(WampMessage.Welcome.class);
        }
    }
}
