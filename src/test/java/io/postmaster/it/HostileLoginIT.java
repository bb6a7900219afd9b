package io.postmaster.it;

import io.postmaster.message.ErrorUris;
import io.postmaster.message.WampMessage;
import io.postmaster.message.WampMessage.Abort;
import io.postmaster.message.WampMessage.Challenge;
import io.postmaster.serialization.JsonSerializer;
import io.postmaster.testing.RawWebSocket;
import io.postmaster.testing.WampTestClient;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;

import java.net.SocketTimeoutException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Login guessing as an attacker does it, over real sockets against the deployed WAR (realm {@code authrealm} of
 * {@code src/test/resources/postmaster-it.properties}, with the default login limits: 8 logins in progress per
 * address, 4 per authid). Each test dials from its own loopback addresses ({@code 127.0.7.x}, {@code 127.0.8.x}) and
 * uses its own authids, so the router's records of one test never bear on another test or another IT.
 */
class HostileLoginIT extends ContainerBase {
    private static final JsonSerializer JSON = new JsonSerializer();
    private static final int PENDING_PER_ADDRESS = 8;
    private static final int PENDING_PER_AUTHID = 4;

    @Deployment(testable = false)
    static WebArchive deployment() {
        return builtWar();
    }

    private static void hello(RawWebSocket c, String realm, String authid, String method) throws Exception {
        Map<String, Object> d = new HashMap<>(WampTestClient.ROLES);
        if (authid != null) {
            d.put("authid", authid);
        }
        d.put("authmethods", List.of(method));
        send(c, new WampMessage.Hello(realm, d));
    }

    private static void closeAll(List<RawWebSocket> connections) {
        connections.forEach(RawWebSocket::close);
    }

    /**
     * Guessing in parallel from one address: past the logins in progress an address may have, a HELLO is refused at
     * once with ABORT, before any credential is looked at.
     */
    @Test
    void parallelLoginsFromOneAddressBeyondTheLimitAreRefusedAtOnce() throws Exception {
        List<RawWebSocket> connections = new ArrayList<>();
        try {
            int challenged = 0;
            int refused = 0;
            for (int i = 0; i < 2 * PENDING_PER_ADDRESS; i++) {
                RawWebSocket c = raw("127.0.7.1");
                connections.add(c);
                long t0 = System.nanoTime();
                hello(c, "authrealm", "parallel-a-" + i, "wampcra");
                WampMessage first = read(c); // nobody answers a CHALLENGE: each login stays in progress
                if (first instanceof Challenge) {
                    challenged++;
                } else {
                    Abort a = assertInstanceOf(Abort.class, first);
                    assertEquals(ErrorUris.AUTHENTICATION_FAILED, a.reason());
                    assertTrue((System.nanoTime() - t0) / 1_000_000 < 1000, "refused at once, not slowly");
                    refused++;
                }
            }
            assertTrue(challenged <= PENDING_PER_ADDRESS, challenged + " logins in progress from one address");
            assertTrue(refused >= PENDING_PER_ADDRESS, refused + " refused");
        } finally {
            closeAll(connections);
        }
    }

    /** Guessing one authid in parallel from many addresses: past the authid's limit, HELLO is refused at once. */
    @Test
    void parallelLoginsForOneAuthidBeyondTheLimitAreRefusedAtOnce() throws Exception {
        List<RawWebSocket> connections = new ArrayList<>();
        try {
            int challenged = 0;
            for (int i = 0; i < 2 * PENDING_PER_AUTHID; i++) {
                RawWebSocket c = raw("127.0.7." + (10 + i));
                connections.add(c);
                hello(c, "authrealm", "parallel-b", "wampcra");
                if (read(c) instanceof Challenge) {
                    challenged++;
                }
            }
            assertTrue(challenged <= PENDING_PER_AUTHID, challenged + " logins in progress for one authid");
        } finally {
            closeAll(connections);
        }
    }

    /**
     * The attacker does not wait for the (delayed) refusal: no WELCOME within 150 ms means a wrong guess, so it drops
     * the connection and tries the next guess on a new one. A delayed refusal still counts as a login in progress
     * until it is due, so this soon ends in refusals at HELLO instead of in hundreds of guesses per second.
     */
    @Test
    void abandoningADelayedRefusalDoesNotBuyAnotherGuess() throws Exception {
        int challenged = 0;
        int refusedAtHello = 0;
        for (int i = 0; i < 30 && refusedAtHello == 0; i++) {
            try (RawWebSocket c = raw("127.0.7.30")) {
                hello(c, "authrealm", "abandon-c-" + i, "wampcra");
                WampMessage first = read(c);
                if (first instanceof Abort) {
                    refusedAtHello++;
                    continue;
                }
                assertInstanceOf(Challenge.class, first);
                challenged++;
                send(c, new WampMessage.Authenticate("d3JvbmcgZ3Vlc3M=", Map.of()));
                c.setReadTimeout(150);
                try {
                    assertInstanceOf(Abort.class, read(c));
                } catch (SocketTimeoutException slow) {
                    // treated as a failure; the connection is dropped
                }
            }
        }
        assertEquals(1, refusedAtHello, "a HELLO was refused after " + challenged + " abandoned guesses");
        // the first refusals are due within 150 ms (0 and 200 ms delays) and free their places; later ones hold them
        assertTrue(challenged <= 2 * PENDING_PER_ADDRESS, challenged + " guesses before the first refusal");
    }

    /**
     * Failures count against the address and the authid; an anonymous login (here on another realm) from the same
     * address is no reason to forget them: the next failure is delayed as much as before.
     */
    @Test
    void anAnonymousSuccessDoesNotResetTheFailureCount() throws Exception {
        String from = "127.0.7.40";
        long[] delay = new long[4];
        for (int i = 0; i < 4; i++) {
            if (i == 3) {
                try (RawWebSocket anonymous = raw(from)) {
                    hello(anonymous, "realm1", null, "anonymous");
                    assertInstanceOf(WampMessage.Welcome.class, read(anonymous));
                }
            }
            try (RawWebSocket c = raw(from)) {
                hello(c, "authrealm", "reset-d", "wampcra");
                assertInstanceOf(Challenge.class, read(c));
                long t0 = System.nanoTime();
                send(c, new WampMessage.Authenticate("d3JvbmcgZ3Vlc3M=", Map.of()));
                Abort a = assertInstanceOf(Abort.class, read(c));
                assertEquals(ErrorUris.NOT_AUTHORIZED, a.reason());
                delay[i] = (System.nanoTime() - t0) / 1_000_000;
            }
        }
        assertTrue(delay[2] >= 500, "the third failure is delayed: " + delay[2] + " ms");
        assertTrue(delay[3] >= delay[2], "the fourth failure, after an anonymous login, is delayed at least as much: "
                + delay[3] + " ms after " + delay[2] + " ms");
    }

    /**
     * Wrong tickets for unknown authids cost a PBKDF2 each. A flood of them from many addresses (each within its
     * own limits) must not hold up anonymous logins on another realm: the checks run beside them, not in front.
     */
    @Test
    void aFloodOfWrongTicketsDoesNotHoldUpAnonymousLoginsElsewhere() throws Exception {
        int addresses = 13;
        List<RawWebSocket> flood = new ArrayList<>();
        try {
            for (int a = 0; a < addresses; a++) {
                for (int i = 0; i < PENDING_PER_ADDRESS; i++) {
                    RawWebSocket c = raw("127.0.8." + (1 + a));
                    flood.add(c);
                    hello(c, "authrealm", "flood-" + a + "-" + i, "ticket");
                    assertInstanceOf(Challenge.class, read(c));
                }
            }
            try (RawWebSocket victim = raw("127.0.0.1")) {
                for (RawWebSocket c : flood) {
                    send(c, new WampMessage.Authenticate("wrong ticket", Map.of()));
                }
                long t0 = System.nanoTime();
                hello(victim, "realm1", null, "anonymous");
                assertInstanceOf(WampMessage.Welcome.class, read(victim));
                long ms = (System.nanoTime() - t0) / 1_000_000;
                System.out.println("HostileLoginIT: an anonymous login during " + flood.size()
                        + " wrong-ticket checks took " + ms + " ms");
                assertTrue(ms < 1000, "an anonymous login during " + flood.size()
                        + " ticket checks took " + ms + " ms");
            }
        } finally {
            closeAll(flood);
        }
    }

    /**
     * A known and an unknown authid get wampcra CHALLENGEs of the same shape: the same role field, salts of the same
     * alphabet and length, the same iterations and key length. Nothing tells whether the authid exists.
     */
    @Test
    void wampcraChallengesDoNotTellKnownFromUnknownAuthids() throws Exception {
        Pattern saltShape = Pattern.compile("[A-Za-z0-9_-]{16}");
        Map<String, Object> known = challenge("127.0.7.50", "peter"); // configured: role admin, salted
        Set<Object> roles = new HashSet<>();
        roles.add(parse((String) known.get("challenge")).get("authrole"));
        assertTrue(saltShape.matcher((String) known.get("salt")).matches(), known.toString());
        for (int i = 0; i < 8; i++) {
            Map<String, Object> unknown = challenge("127.0.7." + (51 + i), "nobody-e-" + i);
            assertTrue(saltShape.matcher((String) unknown.get("salt")).matches(), "decoy salt " + unknown.get("salt"));
            assertEquals(known.get("iterations"), unknown.get("iterations"));
            assertEquals(known.get("keylen"), unknown.get("keylen"));
            assertEquals(known.keySet(), unknown.keySet());
            roles.add(parse((String) unknown.get("challenge")).get("authrole"));
        }
        assertEquals(1, roles.size(), "the role in the challenge is the same for known and unknown authids: " + roles);
    }

    private Map<String, Object> challenge(String from, String authid) throws Exception {
        try (RawWebSocket c = raw(from)) {
            hello(c, "authrealm", authid, "wampcra");
            return assertInstanceOf(Challenge.class, read(c)).extra();
        }
    }

    private static Map<String, Object> parse(String challengeJson) throws Exception {
        return ((Challenge) JSON.decode("[4, \"wampcra\", " + challengeJson + "]")).extra();
    }
}
