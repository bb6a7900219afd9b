package io.postmaster.router;

import io.postmaster.auth.BuiltIns;
import io.postmaster.auth.ConfiguredCredentials;
import io.postmaster.auth.ConfiguredPermissions;
import io.postmaster.auth.Crypto;
import io.postmaster.auth.PermissionAuthorizer;
import io.postmaster.config.AuthConfig;
import io.postmaster.config.PostmasterConfig;
import io.postmaster.message.ErrorUris;
import io.postmaster.message.WampMessage.*;
import io.postmaster.spi.AuthResult;
import io.postmaster.spi.Authenticator;
import io.postmaster.spi.CredentialStore;
import io.postmaster.spi.HelloDetails;
import io.postmaster.spi.PermissionProvider;
import io.postmaster.spi.SessionJoined;
import io.postmaster.spi.SessionLeft;
import io.postmaster.router.SessionListener;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Function;

import static org.junit.jupiter.api.Assertions.*;

/** The authentication handshake through in-memory peers, with the built-in methods and a real executor. */
class AuthenticationTest extends RouterFixture {
    static final HexFormat HEX = HexFormat.of();
    static final Map<String, Object> ROLES = Map.of("caller", Map.of(), "subscriber", Map.of());
    static final KeyPair ALICE_KEY = generate();

    ExecutorService executor = Executors.newFixedThreadPool(2);
    List<Object> events = new CopyOnWriteArrayList<>();

    static KeyPair generate() {
        try {
            return KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    static String rawHex(KeyPair kp) {
        byte[] x509 = kp.getPublic().getEncoded();
        return HEX.formatHex(Arrays.copyOfRange(x509, x509.length - 32, x509.length));
    }

    Map<String, String> settings() {
        Map<String, String> m = new HashMap<>();
        m.put("postmaster.hello-timeout-ms", "3000");
        m.put("postmaster.realms", "realm1,secure");
        m.put("postmaster.realm.secure.anonymous", "false");
        m.put("postmaster.realm.secure.roles", "user");
        m.put("postmaster.realm.secure.role.user.permissions", "com.example. prefix all");
        m.put("postmaster.realm.secure.users", "joe,peter,carol,alice");
        m.put("postmaster.realm.secure.user.joe.role", "user");
        m.put("postmaster.realm.secure.user.joe.ticket", Crypto.hashTicket("joe-ticket", 1000));
        m.put("postmaster.realm.secure.user.peter.role", "user");
        m.put("postmaster.realm.secure.user.peter.wampcra-key", Crypto.deriveCraKey("peter-pw", "pepper", 100, 32));
        m.put("postmaster.realm.secure.user.peter.wampcra-salt", "pepper");
        m.put("postmaster.realm.secure.user.peter.wampcra-iterations", "100");
        m.put("postmaster.realm.secure.user.carol.role", "user");
        m.put("postmaster.realm.secure.user.carol.wampcra-secret", "carol-secret");
        m.put("postmaster.realm.secure.user.alice.role", "user");
        m.put("postmaster.realm.secure.user.alice.cryptosign-pubkeys", rawHex(ALICE_KEY));
        m.put("postmaster.auth.allow-ticket-without-tls", "true");
        return m;
    }

    Router start(Map<String, String> settings, Function<Extensions, Extensions> customize) {
        PostmasterConfig config = PostmasterConfig.from(settings::get);
        AuthConfig ac = AuthConfig.from(settings::get, config);
        CredentialStore store = new ConfiguredCredentials(ac);
        Map<String, Authenticator> auths = new LinkedHashMap<>();
        BuiltIns.authenticators(ac, store).forEach(a -> auths.put(a.authmethod(), a));
        SessionListener listener = new SessionListener() {
            public void joined(SessionJoined e) { events.add(e); }
            public void left(SessionLeft e) { events.add(e); }
        };
        Extensions ext = new Extensions(auths, r -> ac.realms().get(r).authmethods(), new ConfiguredPermissions(ac),
                new PermissionAuthorizer(), listener, executor);
        start(config, customize.apply(ext));
        return router;
    }

    Router start() {
        return start(settings(), e -> e);
    }

    @AfterEach
    void stop() {
        if (router != null) {
            router.close();
        }
        executor.shutdownNow();
    }

    static Hello hello(String realm, String authid, List<String> methods, Map<String, Object> authextra) {
        Map<String, Object> d = new HashMap<>();
        d.put("roles", ROLES);
        if (authid != null) d.put("authid", authid);
        if (methods != null) d.put("authmethods", methods);
        if (authextra != null) d.put("authextra", authextra);
        return new Hello(realm, d);
    }

    static void assertRefused(TestPeer p, String reason) {
        Abort a = p.next(Abort.class);
        assertEquals(reason, a.reason());
        if (reason.equals(ErrorUris.NOT_AUTHORIZED)) {
            assertEquals(Map.of("message", "authentication failed"), a.details(), "nothing that helps an attacker");
        }
        long deadline = System.currentTimeMillis() + 2000;
        while (p.closeCode == 0 && System.currentTimeMillis() < deadline) {
            Thread.onSpinWait();
        }
        assertNotEquals(0, p.closeCode, "closed after ABORT");
    }

    void assertNoSessions() {
        for (Realm r : router.realms()) {
            assertTrue(r.sessions().isEmpty(), "no session left in " + r.name());
        }
    }

    // ------------------------------------------------------------------------------------------ ticket

    @Test
    void ticketSucceeds() {
        start();
        TestPeer p = TestPeer.connect(router, "10.0.0.1:1");
        p.in(hello("secure", "joe", List.of("ticket"), null));
        Challenge c = p.next(Challenge.class);
        assertEquals("ticket", c.authMethod());
        p.in(new Authenticate("joe-ticket", Map.of()));
        Welcome w = p.next(Welcome.class);
        assertEquals("joe", w.details().get("authid"));
        assertEquals("user", w.details().get("authrole"));
        assertEquals("ticket", w.details().get("authmethod"));
        assertEquals("static", w.details().get("authprovider"));
        assertEquals(Map.of(), w.details().get("authextra"));
        assertEquals(1, router.realm("secure").sessions().size());
    }

    @Test
    void wrongTicketIsRefused() {
        start();
        TestPeer p = TestPeer.connect(router, "10.0.0.2:1");
        p.in(hello("secure", "joe", List.of("ticket"), null));
        p.next(Challenge.class);
        p.in(new Authenticate("joe-tickeT", Map.of()));
        assertRefused(p, ErrorUris.NOT_AUTHORIZED);
        assertNoSessions();
    }

    @Test
    void unknownAuthidGetsTheSameAnswerAsAWrongTicket() {
        start();
        TestPeer p = TestPeer.connect(router, "10.0.0.3:1");
        p.in(hello("secure", "nobody", List.of("ticket"), null));
        p.next(Challenge.class);
        p.in(new Authenticate("joe-ticket", Map.of()));
        assertRefused(p, ErrorUris.NOT_AUTHORIZED);
    }

    @Test
    void ticketOverPlainWebSocketIsRefusedByDefault() {
        Map<String, String> s = settings();
        s.remove("postmaster.auth.allow-ticket-without-tls");
        start(s, e -> e);
        TestPeer p = TestPeer.connect(router, "10.0.0.4:1");
        p.in(hello("secure", "joe", List.of("ticket"), null));
        assertRefused(p, ErrorUris.NOT_AUTHORIZED); // before any CHALLENGE: the ticket is never asked for
    }

    // ------------------------------------------------------------------------------------------ wampcra

    @SuppressWarnings("unchecked")
    static Map<String, Object> parseChallenge(String json) {
        // The challenge is a flat JSON object; reuse the codec by wrapping it in a message.
        try {
            var m = new io.postmaster.serialization.JsonSerializer().decode("[4, \"x\", " + json + "]");
            return ((Challenge) m).extra();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void wampcraSaltedSucceedsAndTheChallengeNamesTheSession() {
        start();
        TestPeer p = TestPeer.connect(router, "10.0.0.5:1");
        p.in(hello("secure", "peter", List.of("wampcra"), null));
        Challenge c = p.next(Challenge.class);
        assertEquals("wampcra", c.authMethod());
        assertEquals("pepper", c.extra().get("salt"));
        assertEquals(100L, c.extra().get("iterations"));
        assertEquals(32L, c.extra().get("keylen"));
        String challenge = (String) c.extra().get("challenge");
        Map<String, Object> ch = parseChallenge(challenge);
        assertEquals("peter", ch.get("authid"));
        assertEquals("wampcra", ch.get("authmethod"));
        assertTrue(((String) ch.get("nonce")).length() >= 22, "≥128-bit nonce");
        // the client side, as Autobahn computes it
        String key = Crypto.deriveCraKey("peter-pw", "pepper", 100, 32);
        p.in(new Authenticate(Crypto.craSignature(key.getBytes(StandardCharsets.US_ASCII), challenge), Map.of()));
        Welcome w = p.next(Welcome.class);
        assertEquals(ch.get("session"), w.session(), "the challenge's session ID is the session's");
        assertEquals("wampcra", w.details().get("authmethod"));
    }

    @Test
    void wampcraUnsaltedSucceedsAndAWrongSignatureFails() {
        start();
        TestPeer p = TestPeer.connect(router, "10.0.0.6:1");
        p.in(hello("secure", "carol", List.of("wampcra"), null));
        Challenge c = p.next(Challenge.class);
        assertNull(c.extra().get("salt"));
        String challenge = (String) c.extra().get("challenge");
        p.in(new Authenticate(Crypto.craSignature("carol-secret".getBytes(StandardCharsets.UTF_8), challenge), Map.of()));
        assertEquals("carol", p.next(Welcome.class).details().get("authid"));

        TestPeer q = TestPeer.connect(router, "10.0.0.7:1");
        q.in(hello("secure", "carol", List.of("wampcra"), null));
        String ch2 = (String) q.next(Challenge.class).extra().get("challenge");
        assertNotEquals(challenge, ch2, "a fresh challenge every time");
        // replaying the first (valid) answer fails: challenges are single-use
        q.in(new Authenticate(Crypto.craSignature("carol-secret".getBytes(StandardCharsets.UTF_8), challenge), Map.of()));
        assertRefused(q, ErrorUris.NOT_AUTHORIZED);
    }

    @Test
    void wampcraUnknownUserGetsAStableDecoyChallenge() {
        start();
        String salt1 = null;
        for (int i = 0; i < 2; i++) {
            TestPeer p = TestPeer.connect(router, "10.0.1." + i + ":1");
            p.in(hello("secure", "mallory", List.of("wampcra"), null));
            Challenge c = p.next(Challenge.class);
            assertNotNull(c.extra().get("salt"), "looks salted like a real user");
            if (salt1 == null) salt1 = (String) c.extra().get("salt");
            else assertEquals(salt1, c.extra().get("salt"), "the same salt every time");
            p.in(new Authenticate("AAAA", Map.of()));
            assertRefused(p, ErrorUris.NOT_AUTHORIZED);
        }
    }

    // ------------------------------------------------------------------------------------------ cryptosign

    static String signChallenge(KeyPair kp, String challengeHex) throws Exception {
        Signature s = Signature.getInstance("Ed25519");
        s.initSign(kp.getPrivate());
        byte[] msg = HEX.parseHex(challengeHex);
        s.update(msg);
        return HEX.formatHex(s.sign()) + challengeHex;
    }

    @Test
    void cryptosignSucceedsWithoutAnAuthid() throws Exception {
        start();
        TestPeer p = TestPeer.connect(router, "10.0.0.8:1");
        p.in(hello("secure", null, List.of("cryptosign"), Map.of("pubkey", rawHex(ALICE_KEY))));
        Challenge c = p.next(Challenge.class);
        assertEquals("cryptosign", c.authMethod());
        String challenge = (String) c.extra().get("challenge");
        assertEquals(64, challenge.length(), "32 random bytes, hex");
        p.in(new Authenticate(signChallenge(ALICE_KEY, challenge), Map.of()));
        Welcome w = p.next(Welcome.class);
        assertEquals("alice", w.details().get("authid"));
        assertEquals("cryptosign", w.details().get("authmethod"));
    }

    @Test
    void cryptosignFailsWithAnotherKeyOrABadSignature() throws Exception {
        start();
        KeyPair stranger = generate();
        TestPeer p = TestPeer.connect(router, "10.0.0.9:1");
        p.in(hello("secure", null, List.of("cryptosign"), Map.of("pubkey", rawHex(stranger))));
        String ch = (String) p.next(Challenge.class).extra().get("challenge");
        p.in(new Authenticate(signChallenge(stranger, ch), Map.of()));
        assertRefused(p, ErrorUris.NOT_AUTHORIZED);

        TestPeer q = TestPeer.connect(router, "10.0.0.10:1");
        q.in(hello("secure", "alice", List.of("cryptosign"), Map.of("pubkey", rawHex(ALICE_KEY))));
        String ch2 = (String) q.next(Challenge.class).extra().get("challenge");
        q.in(new Authenticate(signChallenge(stranger, ch2), Map.of())); // signed by the wrong key
        assertRefused(q, ErrorUris.NOT_AUTHORIZED);
        assertNoSessions();
    }

    @Test
    void cryptosignChannelBindingIsRefusedAsUnavailable() {
        start();
        TestPeer p = TestPeer.connect(router, "10.0.0.11:1");
        p.in(hello("secure", "alice", List.of("cryptosign"),
                Map.of("pubkey", rawHex(ALICE_KEY), "channel_binding", "tls-unique")));
        assertRefused(p, ErrorUris.NOT_AUTHORIZED);
    }

    // ------------------------------------------------------------------------------------------ the flow

    @Test
    void offeredMethodsAreTriedInTheClientsOrderAmongThoseAllowed() {
        Map<String, String> s = settings();
        s.put("postmaster.realm.secure.authmethods", "ticket");
        start(s, e -> e);
        TestPeer p = TestPeer.connect(router, "10.0.0.12:1");
        p.in(hello("secure", "joe", List.of("wampcra", "anonymous", "ticket"), null));
        assertEquals("ticket", p.next(Challenge.class).authMethod(), "wampcra and anonymous are not allowed here");
    }

    @Test
    void anonymousIsRefusedWhereTheRealmDoesNotAllowIt() {
        start();
        TestPeer p = TestPeer.connect(router, "10.0.0.13:1");
        p.in(hello("secure", null, null, null));
        assertRefused(p, ErrorUris.NO_AUTH_METHOD);
        TestPeer q = TestPeer.connect(router, "10.0.0.14:1");
        q.in(hello("realm1", null, null, null));
        Welcome w = q.next(Welcome.class);
        assertEquals("anonymous", w.details().get("authmethod"));
        assertEquals("anonymous", w.details().get("authrole"));
    }

    @Test
    void authenticateWithoutChallengeIsAProtocolViolation() {
        start();
        TestPeer p = TestPeer.connect(router, "10.0.0.15:1");
        p.in(new Authenticate("x", Map.of()));
        assertRefused(p, ErrorUris.PROTOCOL_VIOLATION);
    }

    @Test
    void aFailingAuthenticatorGivesAuthenticationFailedWithoutDetail() {
        Authenticator broken = new Authenticator() {
            public String authmethod() { return "ticket"; }
            public AuthResult hello(HelloDetails h) throws Exception { throw new java.sql.SQLException("db down: secret=xyz"); }
            public AuthResult authenticate(HelloDetails h, AuthResult.Challenge c, String s, Map<String, Object> e) { return null; }
        };
        start(settings(), e -> {
            Map<String, Authenticator> m = new HashMap<>(e.authenticators());
            m.put("ticket", broken);
            return new Extensions(m, e.authmethods(), e.permissions(), e.authorizer(), e.listener(), e.executor());
        });
        TestPeer p = TestPeer.connect(router, "10.0.0.16:1");
        p.in(hello("secure", "joe", List.of("ticket"), null));
        Abort a = p.next(Abort.class);
        assertEquals(ErrorUris.AUTHENTICATION_FAILED, a.reason());
        assertFalse(a.details().toString().contains("secret"), "the exception's message is not sent");
    }

    @Test
    void aFailingPermissionProviderRefusesTheJoin() {
        PermissionProvider broken = s -> { throw new IllegalStateException("nope"); };
        start(settings(), e -> new Extensions(e.authenticators(), e.authmethods(), broken, e.authorizer(),
                e.listener(), e.executor()));
        TestPeer p = TestPeer.connect(router, "10.0.0.17:1");
        p.in(hello("realm1", null, null, null));
        assertEquals(ErrorUris.AUTHORIZATION_FAILED, p.next(Abort.class).reason());
        assertNoSessions();
    }

    @Test
    void repeatedFailuresFromOneAddressAreSlowedDown() {
        start();
        long[] took = new long[3];
        for (int i = 0; i < 3; i++) {
            TestPeer p = TestPeer.connect(router, "10.9.9.9:" + (1000 + i));
            p.in(hello("secure", "joe", List.of("ticket"), null));
            p.next(Challenge.class);
            long t0 = System.nanoTime();
            p.in(new Authenticate("wrong", Map.of()));
            assertRefused(p, ErrorUris.NOT_AUTHORIZED);
            took[i] = (System.nanoTime() - t0) / 1_000_000;
        }
        assertTrue(took[1] >= 180, "second failure delayed ≥ 200 ms, took " + took[1]);
        assertTrue(took[2] >= 580, "third failure delayed ≥ 600 ms, took " + took[2]);
        // another address, for another authid, is not affected (wampcra: a check cheap enough to time)
        TestPeer other = TestPeer.connect(router, "10.9.9.8:1");
        other.in(hello("secure", "stranger", List.of("wampcra"), null));
        other.next(Challenge.class);
        long t0 = System.nanoTime();
        other.in(new Authenticate("wrong", Map.of()));
        assertRefused(other, ErrorUris.NOT_AUTHORIZED);
        assertTrue((System.nanoTime() - t0) / 1_000_000 < 180, "first failure from another address is not delayed");
    }

    /** A credential store that counts ticket checks; a check for {@code blocker…} waits until released. */
    static final class CountingStore implements CredentialStore {
        final CredentialStore real;
        final AtomicInteger checks = new AtomicInteger();
        final CountDownLatch blocked = new CountDownLatch(1);
        final CountDownLatch release = new CountDownLatch(1);

        CountingStore(CredentialStore real) {
            this.real = real;
        }

        public CraSecret craSecret(String realm, String authid) throws Exception {
            return real.craSecret(realm, authid);
        }

        public io.postmaster.spi.Identity checkTicket(String realm, String authid, String ticket) throws Exception {
            checks.incrementAndGet();
            if (authid.startsWith("blocker")) {
                blocked.countDown();
                release.await();
            }
            return real.checkTicket(realm, authid, ticket);
        }

        public io.postmaster.spi.Identity publicKeyOwner(String realm, String authid, String pubkey) throws Exception {
            return real.publicKeyOwner(realm, authid, pubkey);
        }
    }

    @Test
    void aCheckWhoseConnectionClosedWhileItWaitedNeverRuns() throws Exception {
        Map<String, String> s = settings();
        s.put("postmaster.login.check-threads", "1");
        CountingStore[] store = new CountingStore[1];
        start(s, e -> {
            Map<String, Authenticator> m = new HashMap<>(e.authenticators());
            AuthConfig ac = AuthConfig.from(s::get, PostmasterConfig.from(s::get));
            store[0] = new CountingStore(new ConfiguredCredentials(ac));
            m.put("ticket", new io.postmaster.auth.TicketAuthenticator(store[0], true));
            return new Extensions(m, e.authmethods(), e.permissions(), e.authorizer(), e.listener(), e.executor());
        });
        TestPeer gone = TestPeer.connect(router, "10.1.0.2:1");
        gone.in(hello("secure", "joe", List.of("ticket"), null));
        gone.next(Challenge.class);
        TestPeer first = TestPeer.connect(router, "10.1.0.1:1");
        first.in(hello("secure", "blocker", List.of("ticket"), null));
        first.next(Challenge.class);
        first.in(new Authenticate("x", Map.of()));
        assertTrue(store[0].blocked.await(2, TimeUnit.SECONDS), "the first check holds the only check thread");

        gone.in(new Authenticate("wrong", Map.of()));
        assertEquals(1, router.checks().waiting(), "the second check waits");
        gone.close(1001, "left"); // as if the HELLO timeout had closed it

        store[0].release.countDown();
        assertRefused(first, ErrorUris.NOT_AUTHORIZED);
        TestPeer later = TestPeer.connect(router, "10.1.0.3:1");
        later.in(hello("secure", "joe", List.of("ticket"), null));
        later.next(Challenge.class);
        later.in(new Authenticate("joe-ticket", Map.of()));
        later.next(Welcome.class); // runs after the dropped check would have
        assertEquals(2, store[0].checks.get(), "the closed connection's check was dropped unrun");
    }

    @Test
    void credentialChecksLeaveExecutorThreadsToAnonymousLogins() throws Exception {
        Map<String, String> s = settings();
        s.put("postmaster.login.check-threads", "1"); // of the 2 executor threads of this test
        CountingStore[] store = new CountingStore[1];
        start(s, e -> {
            Map<String, Authenticator> m = new HashMap<>(e.authenticators());
            AuthConfig ac = AuthConfig.from(s::get, PostmasterConfig.from(s::get));
            store[0] = new CountingStore(new ConfiguredCredentials(ac));
            m.put("ticket", new io.postmaster.auth.TicketAuthenticator(store[0], true));
            return new Extensions(m, e.authmethods(), e.permissions(), e.authorizer(), e.listener(), e.executor());
        });
        List<TestPeer> peers = new java.util.ArrayList<>();
        for (int i = 0; i < 4; i++) { // more blocking checks than threads: they wait in the lane, not in the executor
            TestPeer p = TestPeer.connect(router, "10.2.1." + i + ":1");
            p.in(hello("secure", "blocker-" + i, List.of("ticket"), null));
            p.next(Challenge.class);
            peers.add(p);
        }
        for (TestPeer p : peers) {
            p.in(new Authenticate("x", Map.of()));
        }
        assertTrue(store[0].blocked.await(2, TimeUnit.SECONDS));
        TestPeer anonymous = TestPeer.connect(router, "10.2.2.1:1");
        anonymous.in(hello("realm1", null, null, null));
        anonymous.next(Welcome.class);
        store[0].release.countDown();
    }

    @Test
    void aSuccessForOneAuthidDoesNotForgetTheAddressOrOtherAuthids() {
        start();
        // two failures for joe from one address: the second is delayed
        for (int i = 0; i < 2; i++) {
            TestPeer p = TestPeer.connect(router, "10.3.0.1:" + i);
            p.in(hello("secure", "joe", List.of("ticket"), null));
            p.next(Challenge.class);
            p.in(new Authenticate("wrong", Map.of()));
            assertRefused(p, ErrorUris.NOT_AUTHORIZED);
        }
        // carol logs in from the same address, and an anonymous session joins realm1
        TestPeer ok = TestPeer.connect(router, "10.3.0.1:10");
        ok.in(hello("secure", "carol", List.of("wampcra"), null));
        String ch = (String) ok.next(Challenge.class).extra().get("challenge");
        ok.in(new Authenticate(Crypto.craSignature("carol-secret".getBytes(StandardCharsets.UTF_8), ch), Map.of()));
        ok.next(Welcome.class);
        TestPeer anonymous = TestPeer.connect(router, "10.3.0.1:11");
        anonymous.in(hello("realm1", null, null, null));
        anonymous.next(Welcome.class);
        // the third failure for joe is delayed as the address's and joe's count say (600 ms), not as a first one
        TestPeer p = TestPeer.connect(router, "10.3.0.1:12");
        p.in(hello("secure", "joe", List.of("ticket"), null));
        p.next(Challenge.class);
        long t0 = System.nanoTime();
        p.in(new Authenticate("wrong", Map.of()));
        assertRefused(p, ErrorUris.NOT_AUTHORIZED);
        assertTrue((System.nanoTime() - t0) / 1_000_000 >= 550, "the count survived other successes");
    }

    @Test
    void loginsBeyondTheLimitsAreRefusedAtOnceWithoutACheck() {
        Map<String, String> s = settings();
        s.put("postmaster.login.max-pending-per-address", "2");
        start(s, e -> e);
        TestPeer a = TestPeer.connect(router, "10.4.0.1:1");
        a.in(hello("secure", "joe", List.of("ticket"), null));
        a.next(Challenge.class);
        TestPeer b = TestPeer.connect(router, "10.4.0.1:2");
        b.in(hello("secure", "peter", List.of("wampcra"), null));
        b.next(Challenge.class);
        TestPeer c = TestPeer.connect(router, "10.4.0.1:3");
        c.in(hello("secure", "carol", List.of("wampcra"), null));
        Abort refused = c.next(Abort.class);
        assertEquals(ErrorUris.AUTHENTICATION_FAILED, refused.reason());
        assertEquals(Handshake.LIMITED_MESSAGE, refused.details().get("message"));
        // anonymous logins from the same address are not limited
        TestPeer anonymous = TestPeer.connect(router, "10.4.0.1:4");
        anonymous.in(hello("realm1", null, null, null));
        anonymous.next(Welcome.class);
        // a login that ends frees its place
        a.close(1000, "bye");
        TestPeer d = TestPeer.connect(router, "10.4.0.1:5");
        d.in(hello("secure", "carol", List.of("wampcra"), null));
        d.next(Challenge.class);
    }

    @Test
    void joinAndLeaveAreReportedOnce() throws Exception {
        start();
        TestPeer p = TestPeer.connect(router, "10.0.0.18:1");
        p.in(hello("realm1", "watcher", null, null));
        Welcome w = p.next(Welcome.class);
        long id = w.session();
        p.in(new Goodbye(Map.of(), ErrorUris.CLOSE_NORMAL));
        p.next(Goodbye.class);
        await(() -> events.size() >= 2, "joined and left are reported");
        Thread.sleep(50); // and nothing more: an absence cannot be waited for
        assertEquals(2, events.size(), events.toString());
        SessionJoined j = (SessionJoined) events.get(0);
        assertEquals(id, j.session().sessionId());
        assertNotEquals("watcher", j.session().authid(), "an anonymous client cannot choose its authid");
        assertEquals(w.details().get("authid"), j.session().authid(), "the authid WELCOME gave");
        assertEquals("10.0.0.18:1", j.session().transport().peerAddress());
        assertEquals("wamp.2.json", j.session().transport().subprotocol());
        assertEquals(id, ((SessionLeft) events.get(1)).session().sessionId());
    }

    @Test
    void aClientLeavingDuringTheHandshakeLeavesNothing() {
        start();
        TestPeer p = TestPeer.connect(router, "10.0.0.19:1");
        p.in(hello("secure", "joe", List.of("ticket"), null));
        p.next(Challenge.class);
        p.close(1000, "bye");
        p.connection.onMessage(new Authenticate("joe-ticket", Map.of())); // late: ignored
        p.nothingMore(200);
        assertNoSessions();
        assertTrue(events.isEmpty());
    }
}
