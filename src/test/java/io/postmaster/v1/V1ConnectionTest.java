package io.postmaster.v1;

import io.postmaster.auth.BuiltIns;
import io.postmaster.auth.ConfiguredCredentials;
import io.postmaster.auth.ConfiguredPermissions;
import io.postmaster.auth.Crypto;
import io.postmaster.auth.PermissionAuthorizer;
import io.postmaster.config.AuthConfig;
import io.postmaster.config.PostmasterConfig;
import io.postmaster.message.WampMessage;
import io.postmaster.router.Connection;
import io.postmaster.router.Extensions;
import io.postmaster.router.Peer;
import io.postmaster.router.Realm;
import io.postmaster.router.Router;
import io.postmaster.serialization.Outgoing;
import io.postmaster.spi.Authenticator;
import io.postmaster.spi.CredentialStore;
import io.postmaster.router.SessionListener;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The v1 adapter against a real router with the built-in authentication, a real executor and in-memory transports:
 * translation both ways, CURIEs, WAMP-CRA v1, exclusion by v1 session IDs, bad input.
 */
class V1ConnectionTest {
    static final String TOPIC = "http://example.com/event#news";
    static final String TOPIC_V2 = "v1.http_3a._.example_2ecom.event_23news";

    final ScheduledThreadPoolExecutor timers = new ScheduledThreadPoolExecutor(1);
    final ExecutorService executor = Executors.newFixedThreadPool(2);
    Router router;
    V1Gateway gateway;

    Map<String, String> settings() {
        Map<String, String> m = new HashMap<>();
        m.put("postmaster.realms", "realm1,secure");
        m.put("postmaster.realm.realm1.v1-uri-map", "http://example.com/simple/calc#=com.example.calc.");
        m.put("postmaster.v1.realms", "realm1,secure");
        m.put("postmaster.realm.secure.anonymous", "false");
        m.put("postmaster.realm.secure.authmethods", "wampcra");
        m.put("postmaster.realm.secure.roles", "user");
        m.put("postmaster.realm.secure.role.user.permissions", "http prefix all; v1. prefix all; com. prefix all");
        m.put("postmaster.realm.secure.users", "peter");
        m.put("postmaster.realm.secure.user.peter.role", "user");
        m.put("postmaster.realm.secure.user.peter.wampcra-key", Crypto.deriveCraKey("peter-pw", "pepper", 100, 32));
        m.put("postmaster.realm.secure.user.peter.wampcra-salt", "pepper");
        m.put("postmaster.realm.secure.user.peter.wampcra-iterations", "100");
        m.put("postmaster.login.max-failure-delay-ms", "0");
        return m;
    }

    void start(Map<String, String> settings) {
        PostmasterConfig config = PostmasterConfig.from(settings::get);
        AuthConfig ac = AuthConfig.from(settings::get, config);
        CredentialStore store = new ConfiguredCredentials(ac);
        Map<String, Authenticator> auths = new LinkedHashMap<>();
        BuiltIns.authenticators(ac, store).forEach(a -> auths.put(a.authmethod(), a));
        Extensions ext = new Extensions(auths, r -> ac.realms().get(r).authmethods(), new ConfiguredPermissions(ac),
                new PermissionAuthorizer(), SessionListener.NONE, executor);
        router = new Router(config, timers, ext);
        gateway = new V1Gateway(router, store, (realm, procedure) -> procedure.equals("com.example.calc.free"));
    }

    @AfterEach
    void stop() {
        if (router != null) {
            router.close();
        }
        timers.shutdownNow();
        executor.shutdownNow();
    }

    /** A v1 client's WebSocket in memory: the frames the adapter sends, and its close. */
    static final class V1Client implements V1Transport {
        final BlockingQueue<String> frames = new LinkedBlockingQueue<>();
        volatile int closeCode;
        volatile String closeReason;
        V1Connection connection;
        String sessionId;

        @Override
        public void send(String frame) {
            frames.add(frame);
        }

        @Override
        public void close(int code, String reason) {
            closeReason = reason;
            closeCode = code;
        }

        @Override
        public Peer.TransportInfo info() {
            return new Peer.TransportInfo("127.0.0.1:1", V1Gateway.SUBPROTOCOL);
        }

        void in(Object... elements) {
            connection.onText(V1Json.write(elements));
        }

        List<Object> next() throws Exception {
            String f = frames.poll(5, TimeUnit.SECONDS);
            assertNotNull(f, "a frame within 5 s");
            return V1Json.read(f);
        }

        /** The next frame, which must be CALLRESULT or CALLERROR for {@code callId}. */
        List<Object> answer(String callId) throws Exception {
            List<Object> m = next();
            assertEquals(callId, m.get(1), m.toString());
            return m;
        }

        boolean closedWithin(long ms) throws InterruptedException {
            long end = System.currentTimeMillis() + ms;
            while (closeCode == 0 && System.currentTimeMillis() < end) {
                Thread.sleep(5);
            }
            return closeCode != 0;
        }
    }

    V1Client connect(String realm) throws Exception {
        V1Client c = new V1Client();
        c.connection = gateway.open(c, realm);
        List<Object> welcome = c.next();
        assertEquals(0L, welcome.get(0));
        assertEquals(1L, welcome.get(2), "protocol version 1");
        assertEquals(c.connection.id(), welcome.get(1));
        c.sessionId = (String) welcome.get(1);
        return c;
    }

    /** A v2 client in memory. */
    static final class V2Client implements Peer {
        final BlockingQueue<WampMessage> in = new LinkedBlockingQueue<>();
        Connection connection;

        public void send(Outgoing m) {
            in.add(m.message());
        }

        public void close(int code, String reason) {
        }

        public TransportInfo transport() {
            return new TransportInfo("127.0.0.1:2", "wamp.2.json");
        }

        <T extends WampMessage> T next(Class<T> type) throws InterruptedException {
            WampMessage m = in.poll(5, TimeUnit.SECONDS);
            assertInstanceOf(type, m);
            return type.cast(m);
        }
    }

    V2Client v2(String realm) throws Exception {
        V2Client c = new V2Client();
        c.connection = router.connect(c);
        c.connection.onMessage(new WampMessage.Hello(realm, Map.of("roles", Map.of("subscriber", Map.of(),
                "publisher", Map.of(), "callee", Map.of(), "caller", Map.of()))));
        c.next(WampMessage.Welcome.class);
        return c;
    }

    @Test
    void welcomeJoinsTheRealmAsAV2Session() throws Exception {
        start(settings());
        V1Client c = connect("realm1");
        Realm realm1 = router.realm("realm1");
        assertEquals(1, realm1.sessions().size());
        assertEquals("wamp", realm1.sessions().iterator().next().peer().transport().subprotocol());
        c.connection.onTransportClosed();
        assertTrue(realm1.sessions().isEmpty(), "nothing of it is left");
        assertEquals(0, gateway.sessionCount());
    }

    @Test
    void eventsBridgeBothWays() throws Exception {
        start(settings());
        V1Client c = connect("realm1");
        V2Client v2 = v2("realm1");
        c.in(5L, TOPIC);
        v2.connection.onMessage(new WampMessage.Subscribe(1, Map.of(), TOPIC_V2));
        v2.next(WampMessage.Subscribed.class);
        v2.connection.onMessage(new WampMessage.Publish(2, Map.of(), TOPIC_V2, List.of("from v2", 2), null));
        assertEquals(List.of(8L, TOPIC, "from v2"), c.next(), "args[0] as the event");
        c.in(7L, TOPIC, Map.of("from", "v1"));
        WampMessage.Event e = v2.next(WampMessage.Event.class);
        assertEquals(List.of(Map.of("from", "v1")), e.args());
        assertNull(c.frames.poll(100, TimeUnit.MILLISECONDS), "the publisher is excluded by default");
        c.in(7L, TOPIC, "mine too", false);
        assertEquals(List.of(8L, TOPIC, "mine too"), c.next(), "excludeMe false");
        c.in(6L, TOPIC);
        v2.next(WampMessage.Event.class);
        v2.connection.onMessage(new WampMessage.Publish(3, Map.of(), TOPIC_V2, List.of("after"), null));
        assertNull(c.frames.poll(100, TimeUnit.MILLISECONDS), "unsubscribed");
    }

    @Test
    void excludeAndEligibleByV1SessionIds() throws Exception {
        start(settings());
        V1Client a = connect("realm1");
        V1Client b = connect("realm1");
        V1Client pub = connect("realm1");
        a.in(5L, TOPIC);
        b.in(5L, TOPIC);
        pub.in(7L, TOPIC, "not b", List.of(b.sessionId));
        assertEquals(List.of(8L, TOPIC, "not b"), a.next());
        pub.in(7L, TOPIC, "only b", List.of(), List.of(b.sessionId));
        assertEquals(List.of(8L, TOPIC, "only b"), b.next());
        assertNull(a.frames.poll(100, TimeUnit.MILLISECONDS), "a was not eligible");
        assertNull(b.frames.poll(10, TimeUnit.MILLISECONDS), "b got 'not b' never");
    }

    @Test
    void callsReachV2CalleesWithCuriesAndErrorsComeBack() throws Exception {
        Map<String, String> s = settings();
        s.put("postmaster.v1.anonymous-calls", "role");
        start(s);
        V2Client callee = v2("realm1");
        callee.connection.onMessage(new WampMessage.Register(1, Map.of(), "com.example.calc.add"));
        callee.next(WampMessage.Registered.class);
        V1Client c = connect("realm1");
        c.in(1L, "calc", "http://example.com/simple/calc#");
        c.in(2L, "c1", "calc:add", 2, 3);
        WampMessage.Invocation inv = callee.next(WampMessage.Invocation.class);
        assertEquals(List.of(2L, 3L), inv.args());
        callee.connection.onMessage(new WampMessage.Yield(inv.request(), Map.of(), List.of(5L), null));
        assertEquals(List.of(3L, "c1", 5L), c.answer("c1"));
        c.in(2L, "c2", "http://example.com/simple/calc#add", 1);
        inv = callee.next(WampMessage.Invocation.class);
        callee.connection.onMessage(new WampMessage.Error(io.postmaster.message.MessageType.INVOCATION.code(), inv.request(), Map.of(), "com.example.calc.error.odd",
                List.of("odd numbers", 1), Map.of("hint", "even")));
        assertEquals(List.of(4L, "c2", "http://example.com/simple/calc#error/odd", "odd numbers", Map.of("hint", "even")),
                c.answer("c2"), "the error's URI (v1 name), description and details");
        c.in(2L, "c3", "http://example.com/simple/calc#nothing");
        List<Object> err = c.answer("c3");
        assertEquals("wamp.error.no_such_procedure", err.get(2));
    }

    @Test
    void beforeAuthenticationOnlyAnonymousServerProceduresMayBeCalled() throws Exception {
        start(settings());
        V2Client callee = v2("realm1");
        callee.connection.onMessage(new WampMessage.Register(1, Map.of(), "com.example.calc.add"));
        callee.next(WampMessage.Registered.class);
        V1Client c = connect("realm1");
        c.in(2L, "c1", "http://example.com/simple/calc#add");
        assertEquals(List.of(4L, "c1", V1Errors.NOT_AUTHORIZED,
                "before authentication only the procedures open to anonymous sessions may be called"), c.answer("c1"));
        assertTrue(callee.in.isEmpty(), "no invocation");
    }

    @Test
    void badCuriesGetCallErrors() throws Exception {
        start(settings());
        V1Client c = connect("realm1");
        c.in(2L, "c1", "nope:add");
        assertEquals(V1Errors.UNKNOWN_PREFIX, c.answer("c1").get(2));
        c.in(2L, "c2", "bad prefix:add");
        assertEquals(V1Errors.INVALID_URI, c.answer("c2").get(2));
        assertEquals(0, c.closeCode, "the connection goes on");
    }

    /** The CRA signature Autobahn computes: the key derived from the password when the challenge is salted. */
    static String sign(String challenge, String password) {
        @SuppressWarnings("unchecked")
        Map<String, Object> info;
        try {
            info = (Map<String, Object>) V1Json.read("[" + challenge + "]").get(0);
        } catch (V1Json.Malformed e) {
            throw new AssertionError(e);
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> extra = (Map<String, Object>) info.get("authextra");
        String key = extra == null ? password : Crypto.deriveCraKey(password, (String) extra.get("salt"),
                ((Long) extra.get("iterations")).intValue(), ((Long) extra.get("keylen")).intValue());
        return Crypto.craSignature(key.getBytes(java.nio.charset.StandardCharsets.UTF_8), challenge);
    }

    @Test
    void wampCraV1AuthenticatesThroughTheCredentialStore() throws Exception {
        start(settings());
        V1Client c = connect("secure");
        assertTrue(router.realm("secure").sessions().isEmpty(), "no anonymous session on a realm without it");
        c.in(5L, TOPIC);
        c.in(2L, "r", V1Connection.AUTHREQ, "peter", Map.of("client", "test"));
        String challenge = (String) c.answer("r").get(2);
        @SuppressWarnings("unchecked")
        Map<String, Object> info = (Map<String, Object>) V1Json.read("[" + challenge + "]").get(0);
        assertEquals("peter", info.get("authkey"));
        assertEquals(c.sessionId, info.get("sessionid"));
        assertEquals(Map.of("client", "test"), info.get("extra"));
        assertEquals("pepper", ((Map<?, ?>) info.get("authextra")).get("salt"));
        c.in(2L, "a", V1Connection.AUTH, sign(challenge, "peter-pw"));
        List<Object> ok = c.answer("a");
        assertEquals(3L, ok.get(0), ok.toString());
        assertTrue(((Map<?, ?>) ok.get(2)).containsKey("pubsub"), "the permissions");
        var sessions = router.realm("secure").sessions();
        assertEquals(1, sessions.size());
        assertEquals("peter", sessions.iterator().next().authid());
        assertEquals("user", sessions.iterator().next().authrole());
        c.in(2L, "again", V1Connection.AUTHREQ, "peter");
        assertEquals(V1Errors.ALREADY_AUTHENTICATED, c.answer("again").get(2));
        V2Client v2 = v2orNull("secure");
        assertNull(v2, "secure needs credentials for v2 too");
    }

    V2Client v2orNull(String realm) throws Exception {
        V2Client c = new V2Client();
        c.connection = router.connect(c);
        c.connection.onMessage(new WampMessage.Hello(realm, Map.of("roles", Map.of("subscriber", Map.of()))));
        return c.in.poll(5, TimeUnit.SECONDS) instanceof WampMessage.Welcome ? c : null;
    }

    @Test
    void authenticationKeepsTopicsAndTheV1SessionId() throws Exception {
        Map<String, String> s = settings();
        s.put("postmaster.realm.realm1.authmethods", "anonymous,wampcra");
        s.put("postmaster.realm.realm1.users", "peter");
        s.put("postmaster.realm.realm1.roles", "anonymous,user");
        s.put("postmaster.realm.realm1.role.anonymous.permissions", "v1. prefix subscribe,publish");
        s.put("postmaster.realm.realm1.role.user.permissions", "v1. prefix all");
        s.put("postmaster.realm.realm1.user.peter.role", "user");
        s.put("postmaster.realm.realm1.user.peter.wampcra-secret", "peter-secret");
        start(s);
        V1Client c = connect("realm1");
        V1Client other = connect("realm1");
        c.in(5L, TOPIC);
        c.in(2L, "r", V1Connection.AUTHREQ, "peter");
        String challenge = (String) c.answer("r").get(2);
        c.in(2L, "a", V1Connection.AUTH, sign(challenge, "peter-secret"));
        assertEquals(3L, c.answer("a").get(0));
        other.in(7L, TOPIC, "hello");
        assertEquals(List.of(8L, TOPIC, "hello"), c.next(), "still subscribed, as the authenticated session");
        assertNull(c.frames.poll(100, TimeUnit.MILLISECONDS), "once");
        assertEquals(2, router.realm("realm1").sessions().size(), "the anonymous leg has ended");
        other.in(7L, TOPIC, "excluded", List.of(c.sessionId));
        assertNull(c.frames.poll(100, TimeUnit.MILLISECONDS), "its v1 session ID names the new session");
    }

    @Test
    void aCallPendingWhenTheClientAuthenticatesIsStillAnswered() throws Exception {
        Map<String, String> s = settings();
        s.put("postmaster.v1.anonymous-calls", "role");
        s.put("postmaster.realm.realm1.authmethods", "anonymous,wampcra");
        s.put("postmaster.realm.realm1.users", "peter");
        s.put("postmaster.realm.realm1.roles", "anonymous,user");
        s.put("postmaster.realm.realm1.role.anonymous.permissions", "com. prefix all");
        s.put("postmaster.realm.realm1.role.user.permissions", "com. prefix all");
        s.put("postmaster.realm.realm1.user.peter.role", "user");
        s.put("postmaster.realm.realm1.user.peter.wampcra-secret", "peter-secret");
        start(s);
        V2Client callee = v2("realm1");
        callee.connection.onMessage(new WampMessage.Register(1, Map.of(), "com.example.calc.slow"));
        callee.next(WampMessage.Registered.class);
        V1Client c = connect("realm1");
        c.in(2L, "slow", "http://example.com/simple/calc#slow");
        WampMessage.Invocation inv = callee.next(WampMessage.Invocation.class);
        c.in(2L, "r", V1Connection.AUTHREQ, "peter");
        String challenge = (String) c.answer("r").get(2);
        c.in(2L, "a", V1Connection.AUTH, sign(challenge, "peter-secret"));
        assertEquals(3L, c.answer("a").get(0));
        assertEquals(3, router.realm("realm1").sessions().size(), "the anonymous session waits for its call");
        callee.connection.onMessage(new WampMessage.Yield(inv.request(), Map.of(), List.of("done"), null));
        assertEquals(List.of(3L, "slow", "done"), c.answer("slow"), "answered through the anonymous session");
        long end = System.currentTimeMillis() + 5000;
        while (router.realm("realm1").sessions().size() != 2 && System.currentTimeMillis() < end) {
            Thread.sleep(5);
        }
        assertEquals(2, router.realm("realm1").sessions().size(), "then it ends");
        assertTrue(router.realm("realm1").sessions().stream().anyMatch(x -> "peter".equals(x.authid())));
    }

    @Test
    void aWrongSignatureFailsAndTheChallengeIsUsedUp() throws Exception {
        start(settings());
        V1Client c = connect("secure");
        c.in(2L, "r", V1Connection.AUTHREQ, "peter");
        c.answer("r");
        c.in(2L, "a", V1Connection.AUTH, "d3Jvbmc=");
        assertEquals(List.of(4L, "a", V1Errors.INVALID_SIGNATURE, "signature for authentication request is invalid"),
                c.answer("a"));
        c.in(2L, "a2", V1Connection.AUTH, "d3Jvbmc=");
        assertEquals(V1Errors.NO_AUTHENTICATION_REQUESTED, c.answer("a2").get(2), "a second try");
        c.in(2L, "r2", V1Connection.AUTHREQ, "nobody");
        String challenge = (String) c.answer("r2").get(2);
        assertNotNull(((Map<?, ?>) ((Map<?, ?>) V1Json.read("[" + challenge + "]").get(0)).get("authextra"))
                .get("salt"), "an unknown authKey gets a challenge like a known one");
        c.in(2L, "a3", V1Connection.AUTH, sign(challenge, "guess"));
        assertEquals(V1Errors.INVALID_SIGNATURE, c.answer("a3").get(2));
        assertTrue(router.realm("secure").sessions().isEmpty());
        assertEquals(0, c.closeCode);
    }

    @Test
    void badInputClosesOnlyThatConnection() throws Exception {
        start(settings());
        V1Client bad = connect("realm1");
        V1Client good = connect("realm1");
        good.in(5L, TOPIC);
        bad.in(99L, "x");
        assertTrue(bad.closedWithin(2000));
        assertEquals(1002, bad.closeCode);
        assertEquals("unknown message type 99", bad.closeReason);
        for (String frame : List.of("{}", "[]", "[\"x\"]", "[3, \"c\", 1]", "[2, 5, \"x\"]", "[1, \"p\"]",
                "[2, \"" + "c".repeat(65) + "\", \"x\"]", "not json")) {
            V1Client c = connect("realm1");
            c.connection.onText(frame);
            assertTrue(c.closedWithin(2000), frame);
            assertEquals(1002, c.closeCode, frame);
        }
        V1Client third = connect("realm1");
        third.in(7L, TOPIC, "still here");
        assertEquals(List.of(8L, TOPIC, "still here"), good.next());
        assertEquals(0, good.closeCode);
        assertEquals(2, router.realm("realm1").sessions().size(), "only the good ones remain");
    }

    @Test
    void prefixesAreBounded() throws Exception {
        Map<String, String> s = settings();
        s.put("postmaster.v1.max-prefixes", "2");
        start(s);
        V1Client c = connect("realm1");
        c.in(1L, "a", "http://a/");
        c.in(1L, "b", "http://b/");
        assertEquals(0, c.closeCode);
        c.in(1L, "c", "http://c/");
        assertTrue(c.closedWithin(2000));
        assertEquals(1008, c.closeCode);
        assertFalse(router.realm("realm1").sessions().stream()
                .anyMatch(x -> x.peer().transport().subprotocol().equals("wamp")), "its session ended");
    }
}
