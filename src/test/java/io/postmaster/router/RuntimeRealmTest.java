package io.postmaster.router;

import io.postmaster.config.PostmasterConfig;
import io.postmaster.config.RealmConfig;
import io.postmaster.message.ErrorUris;
import io.postmaster.message.Uris;
import io.postmaster.message.WampMessage.*;
import io.postmaster.spi.AuthResult;
import io.postmaster.spi.Authenticator;
import io.postmaster.spi.HelloDetails;
import io.postmaster.spi.Identity;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Realms added and removed while the router runs: an added realm routes like a configured one, a removed one says
 * GOODBYE {@code wamp.close.close_realm} to its sessions, keeps nothing of them and admits no one — not even a login
 * that was under way when it went; the router serves at most {@code postmaster.realms-max} realms.
 */
class RuntimeRealmTest extends RouterFixture {
    private static final String RT = "com.example.rt";

    /** Every realm takes anonymous sessions and a challenge-response method, {@code wait}, that accepts anything. */
    private Router startRouter(Map<String, String> settings) {
        PostmasterConfig config = PostmasterConfig.from(settings::get);
        Extensions open = Extensions.openRealms(config);
        Authenticator wait = new Authenticator() {
            public String authmethod() { return "wait"; }
            public AuthResult hello(HelloDetails hello) {
                return new AuthResult.Challenge(Map.of(), null);
            }
            public AuthResult authenticate(HelloDetails hello, AuthResult.Challenge c, String signature,
                                           Map<String, Object> extra) {
                return AuthResult.accept(new Identity("waiter", "anonymous", "test", Map.of()));
            }
        };
        return start(config, new Extensions(Map.of("anonymous", open.authenticators().get("anonymous"), "wait", wait),
                realm -> Set.of("anonymous", "wait"), open.permissions(), open.authorizer(), open.listener(),
                open.executor()));
    }

    private static RealmConfig open(String name) {
        return new RealmConfig(name, true, Uris.Rule.LOOSE, Map.of());
    }

    /**
     * GOODBYE is the last the session hears: the meta events its own leaving causes (here its subscriptions to the
     * meta topics going away, which it is subscribed to itself) come before it or not at all. Autobahn|JS takes an
     * EVENT after the router's GOODBYE for a protocol violation.
     */
    @Test
    void nothingFollowsTheGoodbyeOfARemovedRealm() throws Exception {
        startRouter(Map.of());
        router.addRealm(open(RT));
        TestPeer watcher = join(RT, "watcher", ROLES);
        long request = 0;
        for (String topic : List.of("wamp.session.on_leave", "wamp.subscription.on_unsubscribe",
                "wamp.subscription.on_delete", "com.x.topic")) {
            watcher.in(new Subscribe(++request, Map.of(), topic));
            watcher.next(Subscribed.class);
        }
        watcher.drain();

        assertEquals(1, router.removeRealm(RT, "maintenance"));
        io.postmaster.message.WampMessage m;
        do {
            m = watcher.next();
        } while (!(m instanceof Goodbye));
        assertEquals(ErrorUris.CLOSE_REALM, ((Goodbye) m).reason());
        watcher.nothingMore(300);
    }

    @Test
    void anAddedRealmRoutesAndARemovedOneSaysGoodbyeAndKeepsNothing() throws Exception {
        startRouter(Map.of("postmaster.hello-timeout-ms", "300"));
        TestPeer refused = connect("early");
        refused.in(new Hello(RT, ROLES));
        assertEquals(ErrorUris.NO_SUCH_REALM, refused.next(Abort.class).reason());

        Realm realm = router.addRealm(open(RT));
        assertSame(realm, router.realm(RT));
        TestPeer callee = join(RT, "callee", ROLES);
        TestPeer caller = join(RT, "caller", ROLES);
        TestPeer other = join("realm1", "other", ROLES);
        callee.in(new Register(1, Map.of(), "com.x.proc"));
        callee.next(Registered.class);
        caller.in(new Call(1, Map.of(), "com.x.proc", List.of(), null));
        callee.next(Invocation.class);

        assertEquals(2, router.removeRealm(RT, "maintenance"));
        for (TestPeer p : List.of(callee, caller)) {
            io.postmaster.message.WampMessage m = p.next();
            if (p == caller && m instanceof io.postmaster.message.WampMessage.Error e) { // its callee went first
                assertEquals(ErrorUris.CANCELED, e.error());
                m = p.next();
            }
            Goodbye bye = (Goodbye) m;
            assertEquals(ErrorUris.CLOSE_REALM, bye.reason());
            assertEquals("maintenance", bye.details().get("message"));
            assertEquals(0, p.closeCode, "the transport waits for the client's GOODBYE");
        }
        callee.in(new Goodbye(Map.of(), ErrorUris.GOODBYE_AND_OUT)); // the spec's reply: nothing breaks
        assertEquals(0, callee.closeCode);
        callee.nothingMore(50); // no answer to the reply
        await(() -> caller.closeCode != 0 && callee.closeCode != 0,
                "a transport without a new HELLO is closed after the HELLO timeout");
        assertTablesEmpty(realm);
        assertEquals(0, realm.callsInFlight());
        assertNull(router.realm(RT));
        assertEquals(0, other.closeCode, "other realms' sessions stay");
        TestPeer late = connect("late");
        late.in(new Hello(RT, ROLES));
        assertEquals(ErrorUris.NO_SUCH_REALM, late.next(Abort.class).reason());
        assertEquals(-1, router.removeRealm(RT, "again"));
    }

    @Test
    void aClientToldGoodbyeMayJoinAnotherRealmOnTheSameTransport() {
        startRouter(Map.of());
        router.addRealm(open(RT));
        TestPeer p = join(RT, "mover", ROLES);
        router.removeRealm(RT, "moving");
        assertEquals(ErrorUris.CLOSE_REALM, p.next(Goodbye.class).reason());
        p.in(new Hello("realm1", ROLES));
        p.next(Welcome.class);
        assertEquals(1, realm().sessionCount());
        p.in(new Goodbye(Map.of(), ErrorUris.CLOSE_NORMAL)); // a GOODBYE of the new session, answered as ever
        assertEquals(ErrorUris.GOODBYE_AND_OUT, p.next(Goodbye.class).reason());
        p.in(new Goodbye(Map.of(), ErrorUris.CLOSE_NORMAL)); // one without a session and none due
        assertEquals(ErrorUris.PROTOCOL_VIOLATION, p.next(Abort.class).reason());
    }

    @Test
    void whatTheClientSentBeforeItSawTheGoodbyeIsDroppedNotAViolation() {
        startRouter(Map.of());
        router.addRealm(open(RT));
        TestPeer p = join(RT, "busy", ROLES);
        router.removeRealm(RT, "gone");
        p.in(new Publish(1, Map.of(), "com.x.t", List.of(), null)); // crossed the GOODBYE on the wire
        assertEquals(ErrorUris.CLOSE_REALM, p.next(Goodbye.class).reason());
        p.nothingMore(50);
        assertEquals(0, p.closeCode);
        p.in(new Goodbye(Map.of(), ErrorUris.GOODBYE_AND_OUT));
        p.in(new Publish(2, Map.of(), "com.x.t", List.of(), null)); // after its reply: no session, no excuse
        assertEquals(ErrorUris.PROTOCOL_VIOLATION, p.next(Abort.class).reason());
    }

    @Test
    void aLoginUnderWayWhenTheRealmGoesIsAborted() {
        startRouter(Map.of());
        router.addRealm(open(RT));
        TestPeer p = connect("waiting");
        p.in(new Hello(RT, Map.of("roles", ROLES.get("roles"), "authmethods", List.of("wait"))));
        p.next(Challenge.class);
        router.removeRealm(RT, "gone");
        p.in(new Authenticate("anything", Map.of()));
        assertEquals(ErrorUris.NO_SUCH_REALM, p.next(Abort.class).reason());
        assertEquals(0, router.realms().stream().filter(r -> r.name().equals(RT)).count());
    }

    @Test
    void atMostRealmsMaxAreServedAndNamesAreUnique() {
        startRouter(Map.of("postmaster.realms", "realm1", "postmaster.realms-max", "2"));
        router.addRealm(open(RT));
        var dup = assertThrows(IllegalStateException.class, () -> router.addRealm(open(RT)));
        assertTrue(dup.getMessage().contains("served already"), dup.getMessage());
        var full = assertThrows(IllegalStateException.class, () -> router.addRealm(open(RT + "2")));
        assertTrue(full.getMessage().contains("postmaster.realms-max"), full.getMessage());
        router.removeRealm(RT, "room");
        router.addRealm(open(RT + "2"));
        assertEquals(List.of("realm1", RT + "2"), router.realms().stream().map(Realm::name).toList());
    }

    @Test
    void aRealmAddedWhileDrainingRefusesSessionsToo() {
        startRouter(Map.of());
        router.drain();
        router.addRealm(open(RT));
        TestPeer p = connect("late");
        p.in(new Hello(RT, ROLES));
        assertEquals(ErrorUris.SYSTEM_SHUTDOWN, p.next(Abort.class).reason());
    }
}
