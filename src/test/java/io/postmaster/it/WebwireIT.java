package io.postmaster.it;

import io.postmaster.message.ErrorUris;
import io.postmaster.message.MessageType;
import io.postmaster.message.WampMessage;
import io.postmaster.message.WampMessage.Authenticate;
import io.postmaster.message.WampMessage.Call;
import io.postmaster.message.WampMessage.Challenge;
import io.postmaster.message.WampMessage.Event;
import io.postmaster.message.WampMessage.Hello;
import io.postmaster.message.WampMessage.Invocation;
import io.postmaster.message.WampMessage.Register;
import io.postmaster.message.WampMessage.Registered;
import io.postmaster.message.WampMessage.Result;
import io.postmaster.message.WampMessage.Subscribe;
import io.postmaster.message.WampMessage.Subscribed;
import io.postmaster.message.WampMessage.Welcome;
import io.postmaster.message.WampMessage.Yield;
import io.postmaster.testing.WampTestClient;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.HttpURLConnection;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * webwire protocol 1.4 against the deployed WAR with webwire-go v1.0.0-rc1's own Go client (realm {@code wire}): the
 * test plays the backend, a WAMP client that serves the requests as procedures, creates sessions and signals
 * through the router's webwire procedures.
 */
class WebwireIT extends ContainerBase {

    @Deployment(testable = false)
    static WebArchive deployment() {
        return builtWar();
    }


    @BeforeAll
    static void buildClient() {
        String problem = WebwireGoClient.build();
        assumeTrue(problem == null, () -> "webwire-go client not available, webwire tests skipped: " + problem);
    }

    private String address() {
        return "127.0.0.1:" + base.getPort();
    }

    private WebwireGoClient connected() throws Exception {
        WebwireGoClient c = new WebwireGoClient();
        assertEquals("connected", c.ask("connect " + address()));
        return c;
    }

    /** The backend: a WAMP client with the backend role, registering {@code procedures} with caller disclosure. */
    private WampTestClient backend(String... procedures) throws Exception {
        WampTestClient b = joinWithTicket("wire", "backend", "backend-ticket");
        long request = 100;
        for (String p : procedures) {
            b.send(new Register(++request, Map.of("disclose_caller", true), p));
            b.next(Registered.class);
        }
        return b;
    }

    @Test
    void theWebwireMethodAnswersTheProtocolVersion() throws Exception {
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("http://" + address() + "/")).method("WEBWIRE", HttpRequest.BodyPublishers.noBody())
                .build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode());
        assertEquals("{\"protocol-version\":\"1.4\"}", r.body());
        assertEquals("*", r.headers().firstValue("Access-Control-Allow-Origin").orElse(null));
    }

    @Test
    void requestsInEachEncodingReachAWampProcedureAndItsResultIsTheReply() throws Exception {
        try (WampTestClient backend = backend("webwire.request.echo"); WebwireGoClient client = connected()) {
            for (String[] c : new String[][] {{"utf8", "grüße"}, {"utf16", "日本語"}, {"binary", "raw"}}) {
                client.send("request echo " + c[0] + " " + c[1]);
                Invocation inv = backend.next(Invocation.class);
                assertEquals(Map.of("encoding", c[0]), inv.kwargs());
                Object payload = inv.args().get(0);
                if (c[0].equals("binary")) {
                    assertArrayEquals(c[1].getBytes(java.nio.charset.StandardCharsets.UTF_8), (byte[]) payload);
                    backend.send(new Yield(inv.request(), Map.of(), List.of("done".getBytes()), null));
                    assertEquals("reply done", client.answer());
                } else {
                    assertEquals(c[1], payload);
                    backend.send(new Yield(inv.request(), Map.of(), List.of(payload + "!"), null));
                    assertEquals("reply " + c[1] + "!", client.answer());
                }
            }
            client.send("request echo utf8 nothing");
            Invocation inv = backend.next(Invocation.class);
            backend.send(new Yield(inv.request(), Map.of(), null, null));
            assertEquals("reply -", client.answer());
        }
    }

    @Test
    void errorRepliesCarryCodeAndMessageButInternalErrorsNeverLeak() throws Exception {
        try (WampTestClient backend = backend("webwire.request.fail"); WebwireGoClient client = connected()) {
            client.send("request fail utf8 x");
            Invocation inv = backend.next(Invocation.class);
            backend.send(new WampMessage.Error(MessageType.INVOCATION.code(), inv.request(), Map.of(),
                    "webwire.error.UNAUTHORIZED", List.of("who are you?"), null));
            assertEquals("error ReqErr UNAUTHORIZED who are you?", client.answer());

            client.send("request fail utf8 y");
            inv = backend.next(Invocation.class);
            backend.send(new WampMessage.Error(MessageType.INVOCATION.code(), inv.request(), Map.of(),
                    "com.example.database_down", List.of("password hunter2 rejected"), null));
            assertEquals("error ReqInternalErr", client.answer());

            assertEquals("error ReqErr " + ErrorUris.NO_SUCH_PROCEDURE + " ", client.ask("request nobody utf8 z"));
        }
    }

    @Test
    void signalsGoBothWays() throws Exception {
        try (WampTestClient backend = backend("webwire.request.hello"); WebwireGoClient client = connected()) {
            backend.send(new Subscribe(1, Map.of(), "webwire.signal.news"));
            backend.next(Subscribed.class);
            assertEquals("sent", client.ask("signal news utf16 äöü"));
            Event e = backend.next(Event.class);
            assertEquals(List.of("äöü"), e.args());
            assertEquals(Map.of("encoding", "utf16"), e.kwargs());

            // the backend learns the client's WAMP session from a request, and signals it
            client.send("request hello utf8 hi");
            Invocation inv = backend.next(Invocation.class);
            long session = ((Number) inv.details().get("caller")).longValue();
            backend.send(new Yield(inv.request(), Map.of(), List.of("hi"), null));
            assertEquals("reply hi", client.answer());
            backend.send(new Call(2, Map.of(), "webwire.signal", List.of(session, "ping", "pong"), null));
            assertEquals(List.of(1L), backend.next(Result.class).args());
            assertEquals("signal-in utf8 pong", client.pushed());
        }
    }

    /** Logs in through a backend that creates a session; returns its key. */
    /** The "try again later" answer of a restoration the login guard turns away for now. */
    private static final String TRY_LATER = "error ReqErr " + ErrorUris.AUTHENTICATION_FAILED
            + " the session cannot be restored at the moment; try again later";

    /**
     * Restores {@code key} like a polite client: told to try again later (the login guard's limits, which the whole
     * suite's logins from 127.0.0.1 share), it waits and tries again, for up to 10 s. Returns the last answer.
     */
    private static String restore(WebwireGoClient client, String key) throws Exception {
        long deadline = System.nanoTime() + 10_000_000_000L;
        String answer;
        while (TRY_LATER.equals(answer = client.ask("restore " + key)) && System.nanoTime() < deadline) {
            Thread.sleep(200);
        }
        return answer;
    }

    private static String login(WampTestClient backend, WebwireGoClient client, String user) throws Exception {
        client.send("request login utf8 " + user);
        Invocation inv = backend.next(Invocation.class);
        long caller = ((Number) inv.details().get("caller")).longValue();
        backend.send(new Call(1, Map.of(), "webwire.session.create", List.of(caller, Map.of("user", user)),
                Map.of("authid", user, "authrole", "member")));
        String key = (String) backend.next(Result.class).args().get(0);
        backend.send(new Yield(inv.request(), Map.of(), List.of("welcome " + user), null));
        assertEquals("reply welcome " + user, client.answer());
        String created = client.pushed();
        assertEquals("session-created " + key, created);
        // the session is pushed before the reply to the request that created it
        assertTrue(client.transcript.indexOf(created) < client.transcript.indexOf("reply welcome " + user),
                client.transcript.toString());
        return key;
    }

    /** Serves one request to {@code whoami}: the caller's authid and role as the backend sees them. */
    private static String whoami(WampTestClient backend, WebwireGoClient client) throws Exception {
        client.send("request whoami utf8 ?");
        Invocation inv = backend.next(Invocation.class);
        String who = inv.details().get("caller_authid") + "/" + inv.details().get("caller_authrole");
        backend.send(new Yield(inv.request(), Map.of(), List.of(who), null));
        assertEquals("reply " + who, client.answer());
        return who;
    }

    @Test
    void aSessionCreatedByTheBackendSurvivesAReconnect() throws Exception {
        try (WampTestClient backend = backend("webwire.request.login", "webwire.request.whoami")) {
            String key;
            try (WebwireGoClient first = connected()) {
                assertTrue(whoami(backend, first).endsWith("/anonymous"));
                key = login(backend, first, "ann");
                assertEquals("ann/member", whoami(backend, first));
                assertEquals("session " + key + " {\"user\":\"ann\"}", first.ask("session"));
            }
            try (WebwireGoClient again = connected()) {
                assertEquals("session none", again.ask("session"));
                assertEquals("restored", restore(again, key));
                assertEquals("session " + key + " {\"user\":\"ann\"}", again.ask("session"));
                assertEquals("ann/member", whoami(backend, again));
            }
        }
    }

    @Test
    void unknownKeysAndConnectionsOverTheLimitAreRefused() throws Exception {
        try (WampTestClient backend = backend("webwire.request.login");
             WebwireGoClient a = connected(); WebwireGoClient b = connected(); WebwireGoClient c = connected()) {
            assertEquals("error SessNotFoundErr", restore(a, "A".repeat(64)));
            String key = login(backend, a, "bob");
            assertEquals("restored", restore(b, key));
            // postmaster.webwire.max-connections-per-session is 2 in the test configuration
            assertEquals("error MaxSessConnsReachedErr", restore(c, key));
        }
    }

    @Test
    void closingASessionTellsEveryConnectionAndItCannotBeRestored() throws Exception {
        try (WampTestClient backend = backend("webwire.request.login", "webwire.request.whoami");
             WebwireGoClient a = connected(); WebwireGoClient b = connected()) {
            String key = login(backend, a, "cy");
            assertEquals("restored", restore(b, key));
            assertEquals("closed", a.ask("closesession"));
            assertEquals("session-closed", a.pushed());
            assertEquals("session-closed", b.pushed());
            assertTrue(whoami(backend, b).endsWith("/anonymous"));
            try (WebwireGoClient c = connected()) {
                assertEquals("error SessNotFoundErr", restore(c, key));
            }
        }
    }

    /**
     * A restoration is a login: when the login guard turns it away for now (here: as many logins in progress for the
     * session's authid as the guard allows, four by default, each from an address of its own), the client is told to
     * try again later — a clear error reply, not an internal error — and the session stays restorable.
     */
    @Test
    void aRestorationTheLoginGuardTurnsAwayForNowIsToldToTryLater() throws Exception {
        try (WampTestClient backend = backend("webwire.request.login")) {
            String key;
            try (WebwireGoClient first = connected()) {
                key = login(backend, first, "eve");
            }
            java.util.ArrayList<io.postmaster.testing.RawWebSocket> inProgress = new java.util.ArrayList<>();
            try {
                for (int i = 1; i <= 4; i++) {
                    io.postmaster.testing.RawWebSocket c = raw("127.0.9." + i);
                    inProgress.add(c);
                    Map<String, Object> d = new HashMap<>(WampTestClient.ROLES);
                    d.put("authid", "eve");
                    d.put("authmethods", List.of("ticket"));
                    send(c, new Hello("wire", d));
                    assertInstanceOf(Challenge.class, read(c)); // nobody answers: the login stays in progress
                }
                try (WebwireGoClient refused = connected()) {
                    assertEquals(TRY_LATER, refused.ask("restore " + key));
                    assertEquals("session none", refused.ask("session"));
                }
            } finally {
                inProgress.forEach(io.postmaster.testing.RawWebSocket::close);
            }
            try (WebwireGoClient again = connected()) {
                assertEquals("restored", restore(again, key)); // once the server has seen the held logins go
            }
        }
    }

    /**
     * Signals the session {@code key} once it has no connection left (a signal to a connection that is closing is
     * lost with it, so this probes until one is kept); the probe kept is {@code probe}.
     */
    private static void awaitDetached(WampTestClient backend, String key, String probe) throws Exception {
        long deadline = System.nanoTime() + 10_000_000_000L;
        long request = 1000;
        while (true) {
            backend.send(new Call(++request, Map.of(), "webwire.signal", List.of(key, "probe", probe), null));
            if (List.of(0L).equals(backend.next(Result.class).args())) {
                return; // kept, not delivered
            }
            assertTrue(System.nanoTime() < deadline, "the session still has a connection after 10 s");
            Thread.sleep(50);
        }
    }

    @Test
    void signalsToASessionWithoutConnectionArriveInOrderAfterItsRestorationWithinTheLimit() throws Exception {
        try (WampTestClient backend = backend("webwire.request.login")) {
            String key;
            try (WebwireGoClient first = connected()) {
                key = login(backend, first, "dee");
            }
            awaitDetached(backend, key, "zero");
            for (String s : List.of("one", "two")) {
                backend.send(new Call(2, Map.of(), "webwire.signal", List.of(key, "news", s), null));
                assertEquals(List.of(0L), backend.next(Result.class).args());
            }
            try (WebwireGoClient again = connected()) {
                assertEquals("restored", restore(again, key));
                assertEquals("signal-in utf8 zero", again.pushed());
                assertEquals("signal-in utf8 one", again.pushed());
                assertEquals("signal-in utf8 two", again.pushed());
            }
            // postmaster.webwire.max-buffered-signals is 3: a fourth ends the session, and the client is told so
            awaitDetached(backend, key, "zero");
            for (String s : List.of("one", "two", "three")) {
                backend.send(new Call(3, Map.of(), "webwire.signal", List.of(key, "news", s), null));
                assertEquals(List.of(0L), backend.next(Result.class).args());
            }
            try (WebwireGoClient late = connected()) {
                assertEquals("error SessNotFoundErr", restore(late, key));
                assertEquals("session none", late.ask("session"));
            }
        }
    }
}
