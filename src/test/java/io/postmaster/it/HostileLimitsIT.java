package io.postmaster.it;

import io.postmaster.message.ErrorUris;
import io.postmaster.message.MessageType;
import io.postmaster.message.WampMessage;
import io.postmaster.message.WampMessage.*;
import io.postmaster.testing.WampTestClient;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/**
 * A hostile client against the deployed WAR, over real WebSockets: whatever it asks the router to hold —
 * subscriptions, registrations, pending calls, retained events, HELLO details, URIs — is capped, and it gets the
 * documented answer at the cap. The realm {@code limits} of the test configuration
 * ({@code src/test/resources/postmaster-it.properties}) has small caps so each is reached in a few messages;
 * the HELLO and URI bounds are the built-in defaults. Also: values that one serializer cannot carry to another
 * are refused, never delivered altered.
 */
class HostileLimitsIT extends ContainerBase {
    /** The router's answer at a cap (the spec defines no URI for it). */
    static final String LIMIT_REACHED = "postmaster.error.limit_reached";
    static final String REALM = "limits";

    @Deployment(testable = false)
    static WebArchive deployment() {
        return builtWar();
    }

    static void assertError(WampMessage m, MessageType type, long request, String uri) {
        WampMessage.Error e = assertInstanceOf(WampMessage.Error.class, m, "expected ERROR " + uri);
        assertEquals(type.code(), e.requestType());
        assertEquals(request, e.request());
        assertEquals(uri, e.error());
    }

    @Test
    void subscriptionsAreCappedPerSessionAndPerRealm() throws Exception {
        try (WampTestClient a = join(REALM); WampTestClient b = join(REALM)) {
            for (int i = 1; i <= 20; i++) {
                a.send(new Subscribe(i, Map.of(), "com.limits.a" + i));
            }
            a.send(new Subscribe(21, Map.of(), "com.limits.a21"));
            for (int i = 1; i <= 20; i++) {
                a.next(Subscribed.class);
            }
            assertError(a.next(), MessageType.SUBSCRIBE, 21, LIMIT_REACHED);
            for (int i = 1; i <= 10; i++) {
                b.send(new Subscribe(i, Map.of(), "com.limits.b" + i));
            }
            b.send(new Subscribe(11, Map.of(), "com.limits.b11")); // the realm's 31st
            for (int i = 1; i <= 10; i++) {
                b.next(Subscribed.class);
            }
            assertError(b.next(), MessageType.SUBSCRIBE, 11, LIMIT_REACHED);
        }
        // the sessions are gone, their slots with them
        try (WampTestClient c = join(REALM)) {
            for (int i = 1; i <= 20; i++) {
                c.send(new Subscribe(i, Map.of(), "com.limits.c" + i));
            }
            for (int i = 1; i <= 20; i++) {
                c.next(Subscribed.class);
            }
        }
    }

    @Test
    void registrationsAreCappedPerSession() throws Exception {
        try (WampTestClient a = join(REALM)) {
            for (int i = 1; i <= 21; i++) {
                a.send(new Register(i, Map.of(), "com.limits.reg" + i));
            }
            for (int i = 1; i <= 20; i++) {
                a.next(Registered.class);
            }
            assertError(a.next(), MessageType.REGISTER, 21, LIMIT_REACHED);
        }
    }

    @Test
    void pendingCallsAreCappedPerCaller() throws Exception {
        try (WampTestClient callee = join(REALM); WampTestClient caller = join(REALM)) {
            callee.send(new Register(1, Map.of(), "com.limits.never_answers"));
            callee.next(Registered.class);
            for (int i = 1; i <= 11; i++) {
                caller.send(new Call(i, Map.of(), "com.limits.never_answers", null, null));
            }
            assertError(caller.next(), MessageType.CALL, 11, LIMIT_REACHED);
            // an answer frees a slot
            Invocation inv = callee.next(Invocation.class);
            callee.send(new Yield(inv.request(), Map.of(), null, null));
            caller.next(Result.class);
            caller.send(new Call(12, Map.of(), "com.limits.never_answers", null, null));
            caller.send(new Call(13, Map.of(), "com.limits.never_answers", null, null));
            assertError(caller.next(), MessageType.CALL, 13, LIMIT_REACHED);
        }
    }

    @Test
    void retainedEventsAreCappedByBytes() throws Exception {
        String payload = "x".repeat(40_000);
        try (WampTestClient p = join(REALM)) {
            for (int i = 1; i <= 3; i++) {
                // every publication is acknowledged: it was delivered, whether or not it is retained
                p.send(new Publish(i, Map.of("retain", true, "acknowledge", true), "com.limits.retained.t" + i,
                        List.of(payload), null));
                p.next(Published.class);
            }
        }
        try (WampTestClient s = join(REALM)) {
            s.send(new Subscribe(1, Map.of("match", "prefix", "get_retained", true), "com.limits.retained."));
            s.next(Subscribed.class);
            List<Object> topics = new ArrayList<>();
            WampMessage m;
            while ((m = s.poll(1000)) != null) {
                topics.add(assertInstanceOf(Event.class, m).details().get("topic"));
            }
            assertEquals(List.of("com.limits.retained.t1", "com.limits.retained.t2"),
                    topics.stream().map(String::valueOf).sorted().toList(),
                    "100,000 bytes hold two retained events of 40,000, not three");
        }
    }

    @Test
    void eventHistoryIsCappedByBytes() throws Exception {
        String payload = "x".repeat(40_000);
        try (WampTestClient p = join(REALM)) {
            for (int i = 1; i <= 3; i++) {
                p.send(new Publish(i, Map.of("acknowledge", true), "com.limits.history", List.of(i, payload), null));
                p.next(Published.class);
            }
            p.send(new Call(4, Map.of(), "wamp.topic.history.last", List.of("com.limits.history", 100), null));
            List<?> events = (List<?>) p.next(Result.class).args().get(0);
            assertEquals(List.of(2L, 3L), events.stream().map(e -> ((List<?>) ((Map<?, ?>) e).get("args")).get(0))
                    .toList(), "100,000 bytes of history hold the last two events of 40,000, not three");
        }
    }

    @Test
    void oversizeHelloIsAborted() throws Exception {
        Map<String, Object> details = new HashMap<>(WampTestClient.ROLES);
        details.put("authextra", Map.of("junk", "x".repeat(100_000)));
        try (WampTestClient c = connect("wamp.2.json")) {
            c.send(new Hello("realm1", details));
            assertEquals(ErrorUris.INVALID_ARGUMENT, c.next(Abort.class).reason());
        }
        Object nested = Map.of();
        for (int i = 0; i < 30; i++) {
            nested = Map.of("n", nested);
        }
        details = new HashMap<>(WampTestClient.ROLES);
        details.put("authextra", nested);
        try (WampTestClient c = connect("wamp.2.json")) {
            c.send(new Hello("realm1", details));
            assertEquals(ErrorUris.INVALID_ARGUMENT, c.next(Abort.class).reason());
        }
        details = new HashMap<>(WampTestClient.ROLES);
        details.put("authid", "a".repeat(300));
        try (WampTestClient c = connect("wamp.2.json")) {
            c.send(new Hello("realm1", details));
            assertEquals(ErrorUris.INVALID_ARGUMENT, c.next(Abort.class).reason());
        }
    }

    @Test
    void overlongUrisAreRefused() throws Exception {
        String dots = ".".repeat(100_000);
        String longUri = "com." + "x".repeat(2000);
        String deepUri = "com" + ".x".repeat(100);
        try (WampTestClient c = join("realm1")) {
            c.send(new Subscribe(1, Map.of("match", "wildcard"), dots));
            assertError(c.next(), MessageType.SUBSCRIBE, 1, ErrorUris.INVALID_URI);
            c.send(new Subscribe(2, Map.of(), longUri));
            assertError(c.next(), MessageType.SUBSCRIBE, 2, ErrorUris.INVALID_URI);
            c.send(new Subscribe(3, Map.of("match", "prefix"), deepUri));
            assertError(c.next(), MessageType.SUBSCRIBE, 3, ErrorUris.INVALID_URI);
            c.send(new Register(4, Map.of("match", "wildcard"), dots));
            assertError(c.next(), MessageType.REGISTER, 4, ErrorUris.INVALID_URI);
            c.send(new Call(5, Map.of(), deepUri, null, null));
            assertError(c.next(), MessageType.CALL, 5, ErrorUris.INVALID_URI);
            c.send(new Publish(6, Map.of("acknowledge", true), longUri, null, null));
            assertError(c.next(), MessageType.PUBLISH, 6, ErrorUris.INVALID_URI);
            // a URI at the bounds is fine
            c.send(new Subscribe(7, Map.of(), "com." + "x".repeat(1020)));
            c.next(Subscribed.class);
        }
    }

    /** A JSON value the router cannot pass on unchanged ends the publisher's session; subscribers see nothing. */
    @Test
    void jsonValuesThatCannotBeCarriedAreRefused() throws Exception {
        List<String> bad = List.of(
                "[16,1,{\"acknowledge\":true},\"com.limits.json\",[1e999999]]",
                "[16,2,{\"acknowledge\":true},\"com.limits.json\",[\"\\ud800\"]]",
                "[16,3,{\"acknowledge\":true},\"com.limits.json\",[],{\"k\":\"a\\udc00b\"}]");
        try (WampTestClient sub = join("realm1");
             WampTestClient msgpack = join("realm1", "wamp.2.msgpack")) {
            sub.send(new Subscribe(1, Map.of(), "com.limits.json"));
            sub.next(Subscribed.class);
            msgpack.send(new Subscribe(1, Map.of(), "com.limits.json"));
            msgpack.next(Subscribed.class);
            for (String text : bad) {
                try (WampTestClient pub = connect("wamp.2.json")) {
                    pub.send(new Hello("realm1", WampTestClient.ROLES));
                    pub.next(Welcome.class);
                    pub.sendText(text);
                    assertEquals(ErrorUris.PROTOCOL_VIOLATION, pub.next(Abort.class).reason(), text);
                }
            }
            // a MessagePack string that is not UTF-8: [16, 4, {}, "com.limits.json", ["\xff"]]
            try (WampTestClient pub = join("realm1", "wamp.2.msgpack")) {
                byte[] topic = "com.limits.json".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
                java.io.ByteArrayOutputStream b = new java.io.ByteArrayOutputStream();
                b.write(new byte[] {(byte) 0x95, 0x10, 0x04, (byte) 0x80, (byte) (0xa0 + topic.length)});
                b.write(topic);
                b.write(new byte[] {(byte) 0x91, (byte) 0xa1, (byte) 0xff});
                pub.sendBinary(b.toByteArray());
                assertEquals(ErrorUris.PROTOCOL_VIOLATION, pub.next(Abort.class).reason());
            }
            // the first event either subscriber sees is the next good one
            try (WampTestClient pub = join("realm1")) {
                pub.send(new Publish(9, Map.of("acknowledge", true), "com.limits.json",
                        List.of(1.0e308, "\uD83D\uDE00"), null));
                pub.next(Published.class);
            }
            assertEquals(List.of(1.0e308, "\uD83D\uDE00"), sub.next(Event.class).args());
            assertEquals(List.of(1.0e308, "\uD83D\uDE00"), msgpack.next(Event.class).args());
        }
    }
}
