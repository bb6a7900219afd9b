package io.postmaster.it;

import io.postmaster.message.ErrorUris;
import io.postmaster.message.MessageType;
import io.postmaster.message.WampMessage;
import io.postmaster.message.WampMessage.*;
import io.postmaster.testing.WampTestClient;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;

import java.net.http.WebSocketHandshakeException;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;

import static org.junit.jupiter.api.Assertions.*;

/** The deployed WAR on a real server: the session lifecycle and every kind of bad input, over real WebSockets. */
class RouterIT extends ContainerBase {

    @Deployment(testable = false)
    static WebArchive deployment() {
        return builtWar();
    }

    @Test
    void sessionPubSubRpcAndGoodbye() throws Exception {
        try (WampTestClient a = join("realm1");
             WampTestClient b = join("realm1")) {
            b.send(new Subscribe(1, Map.of(), "com.example.t"));
            long sub = b.next(Subscribed.class).subscription();
            a.send(new Publish(1, Map.of("acknowledge", true), "com.example.t", List.of(1L), Map.of("k", "v")));
            a.next(Published.class);
            Event e = b.next(Event.class);
            assertEquals(sub, e.subscription());
            assertEquals(Map.of("k", "v"), e.kwargs());
            b.send(new Register(2, Map.of(), "com.example.p"));
            b.next(Registered.class);
            a.send(new Call(2, Map.of(), "com.example.p", List.of("x"), null));
            Invocation inv = b.next(Invocation.class);
            b.send(new Yield(inv.request(), Map.of(), List.of("y"), null));
            assertEquals(List.of("y"), a.next(Result.class).args());
            a.send(new Goodbye(Map.of(), ErrorUris.CLOSE_NORMAL));
            assertEquals(ErrorUris.GOODBYE_AND_OUT, a.next(Goodbye.class).reason());
        }
    }

    @Test
    void unknownRealmIsAborted() throws Exception {
        try (WampTestClient c = connect("wamp.2.json")) {
            c.send(new Hello("no.such.realm", WampTestClient.ROLES));
            assertEquals(ErrorUris.NO_SUCH_REALM, c.next(Abort.class).reason());
        }
    }

    /**
     * Servers whose servlet filters see the WebSocket upgrade request, so that HandshakeFilter refuses it with HTTP
     * 400: all four tested. On a server that upgrades before filters run, the endpoint accepts the handshake and closes
     * with 1002 before any WAMP message instead (as on embedded Tyrus, see EndpointTest).
     */
    private static final Set<String> FILTER_SEES_THE_UPGRADE = Set.of("wildfly", "payara", "tomee", "liberty");

    @Test
    void aHandshakeWithoutAWampSubprotocolIsRefusedWith400() throws Exception {
        for (String[] offered : List.of(new String[0], new String[] {"foo"}, new String[] {"wamp.2.bogus"})) {
            String what = "offering " + Arrays.toString(offered) + " on " + container();
            WampTestClient c;
            try {
                c = connect(offered);
            } catch (ExecutionException e) {
                WebSocketHandshakeException h = assertInstanceOf(WebSocketHandshakeException.class, e.getCause(), what);
                assertEquals(400, h.getResponse().statusCode(), what);
                continue;
            }
            try (c) {
                assertFalse(FILTER_SEES_THE_UPGRADE.contains(container()),
                        what + ": accepted, expected HTTP 400");
                assertEquals(1002, c.closeCode(), what);
                assertNull(c.poll(0), what + ": a WAMP message before the close");
            }
        }
    }

    @Test
    void protocolViolationsAbortOnlyTheOffender() throws Exception {
        try (WampTestClient bystander = join("realm1")) {
            bystander.send(new Subscribe(1, Map.of(), "com.example.bystander"));
            bystander.next(Subscribed.class);
            List<String> early = List.of("[32,1,{},\"com.example.t\"]"); // SUBSCRIBE before HELLO
            for (String text : early) {
                try (WampTestClient c = connect("wamp.2.json")) {
                    c.sendText(text);
                    assertEquals(ErrorUris.PROTOCOL_VIOLATION, c.next(Abort.class).reason());
                    assertEquals(1002, c.closeCode());
                }
            }
            List<String> afterWelcome = List.of(
                    "[1,\"realm1\",{\"roles\":{\"caller\":{}}}]", // a second HELLO
                    "[200,1]", "[7,1]",                           // unknown message types
                    "[]", "{\"not\":\"an array\"}", "42",          // not a message
                    "this is not JSON",
                    "[70,12345,{}]");                              // YIELD for an invocation never sent
            for (String text : afterWelcome) {
                try (WampTestClient c = join("realm1")) {
                    c.send(new Register(1, Map.of(), "com.example.offender"));
                    c.next(Registered.class);
                    c.sendText(text);
                    assertEquals(ErrorUris.PROTOCOL_VIOLATION, c.next(Abort.class).reason(), text);
                    assertEquals(1002, c.closeCode(), text);
                }
            }
            // the offenders' registrations are gone, the bystander is fine
            try (WampTestClient c = join("realm1")) {
                c.send(new Call(1, Map.of(), "com.example.offender", null, null));
                WampMessage.Error err = c.next(WampMessage.Error.class);
                assertEquals(ErrorUris.NO_SUCH_PROCEDURE, err.error());
                c.send(new Publish(2, Map.of(), "com.example.bystander", List.of("ok"), null));
                assertEquals(List.of("ok"), bystander.next(Event.class).args());
            }
        }
    }

    @Test
    void badUrisGetInvalidUri() throws Exception {
        try (WampTestClient c = join("realm1")) {
            c.send(new Subscribe(1, Map.of(), "com..example"));
            WampMessage.Error e = c.next(WampMessage.Error.class);
            assertEquals(MessageType.SUBSCRIBE.code(), e.requestType());
            assertEquals(ErrorUris.INVALID_URI, e.error());
            c.send(new Register(2, Map.of(), "com.example. space"));
            assertEquals(ErrorUris.INVALID_URI, c.next(WampMessage.Error.class).error());
            c.send(new Subscribe(3, Map.of(), "com.example.fine"));
            c.next(Subscribed.class);
        }
    }

    @Test
    void anOversizeMessageClosesWith1009() throws Exception {
        try (WampTestClient c = join("realm1")) {
            c.sendText("[16,1,{},\"com.example.big\",[\"" + "x".repeat(1024 * 1024) + "\"]]");
            assertEquals(1009, c.closeCode());
        }
    }

    @Test
    void calleeLeavingCancelsPendingCalls() throws Exception {
        try (WampTestClient caller = join("realm1")) {
            WampTestClient callee = join("realm1");
            callee.send(new Register(1, Map.of(), "com.example.slow"));
            callee.next(Registered.class);
            caller.send(new Call(1, Map.of(), "com.example.slow", null, null));
            callee.next(Invocation.class);
            callee.close();
            WampMessage.Error e = caller.next(WampMessage.Error.class);
            assertEquals(1, e.request());
            assertEquals(ErrorUris.CANCELED, e.error());
        }
    }
}
