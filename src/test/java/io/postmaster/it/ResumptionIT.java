package io.postmaster.it;

import io.postmaster.message.WampMessage;
import io.postmaster.message.WampMessage.Event;
import io.postmaster.message.WampMessage.Hello;
import io.postmaster.message.WampMessage.Publish;
import io.postmaster.message.WampMessage.Published;
import io.postmaster.message.WampMessage.Subscribe;
import io.postmaster.message.WampMessage.Subscribed;
import io.postmaster.message.WampMessage.Welcome;
import io.postmaster.serialization.JsonSerializer;
import io.postmaster.testing.RawWebSocket;
import io.postmaster.testing.WampTestClient;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.URI;
import java.net.URL;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/**
 * WAMP session resumption with raw WAMP messages over real WebSockets: on {@code /ws} itself with the resumable-session
 * keys Crossbar and Autobahn name ({@code resumable}, {@code resume-session}, {@code resume-token} in HELLO;
 * {@code resumable}, {@code resume_token}, {@code resumed} in WELCOME), and the {@code _resume} form, on {@code /ws}
 * and its alias {@code /ws-resume} ({@code postmaster.resume.replay-messages} is 5 in the test configuration).
 */
class ResumptionIT extends ContainerBase {

    @Deployment(testable = false)
    static WebArchive deployment() {
        return builtWar();
    }


    private URI resumeUri() {
        return URI.create("ws://127.0.0.1:" + base.getPort() + "/ws-resume");
    }

    private WampTestClient hello(Object resume) throws Exception {
        WampTestClient c = WampTestClient.connect(resumeUri(), "wamp.2.json");
        Map<String, Object> details = new HashMap<>(WampTestClient.ROLES);
        if (resume != null) {
            details.put("_resume", resume);
        }
        c.send(new Hello("realm1", details));
        return c;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> ext(Welcome w) {
        return (Map<String, Object>) w.details().get("_resume");
    }

    private static void publish(WampTestClient p, String topic, long n) throws Exception {
        p.send(new Publish(n, Map.of("acknowledge", true), topic, List.of(n), null));
        p.next(Published.class);
    }

    @Test
    void aClientThatDoesNotAskSeesNoExtension() throws Exception {
        try (WampTestClient c = hello(null)) {
            Welcome w = c.next(Welcome.class);
            assertNull(w.details().get("_resume"));
            c.send(new Subscribe(1, Map.of(), "com.resume.plain"));
            c.next(Subscribed.class);
        }
    }

    @Test
    void aDroppedClientComesBackToItsSubscriptionAndEverythingPublishedMeanwhileInOrder() throws Exception {
        String topic = "com.resume.t1";
        WampTestClient first = hello(true);
        Welcome w = first.next(Welcome.class);
        Map<String, Object> ext = ext(w);
        assertEquals(false, ext.get("resumed"));
        String token = (String) ext.get("token");
        first.send(new Subscribe(1, Map.of(), topic));
        long sub = first.next(Subscribed.class).subscription();
        first.close(); // the connection is gone; 1 message received after WELCOME

        try (WampTestClient publisher = WampTestClient.join(ws(), "realm1")) {
            for (long n = 1; n <= 3; n++) {
                publish(publisher, topic, n);
            }
            try (WampTestClient again = hello(Map.of("token", token, "last", 1))) {
                Welcome back = again.next(Welcome.class);
                assertEquals(w.session(), back.session(), "the same session");
                assertEquals(true, ext(back).get("resumed"));
                for (long n = 1; n <= 3; n++) {
                    Event e = again.next(Event.class);
                    assertEquals(sub, e.subscription());
                    assertEquals(List.of(n), e.args(), "in order, none missed");
                }
                publish(publisher, topic, 4); // still subscribed
                assertEquals(List.of(4L), again.next(Event.class).args());
            }
        }
    }

    @Test
    void beyondTheLimitsTheClientIsToldAndStartsAfresh() throws Exception {
        String topic = "com.resume.t2";
        WampTestClient first = hello(true);
        Welcome w = first.next(Welcome.class);
        String token = (String) ext(w).get("token");
        first.send(new Subscribe(1, Map.of(), topic));
        first.next(Subscribed.class);
        first.close();
        try (WampTestClient publisher = WampTestClient.join(ws(), "realm1")) {
            for (long n = 1; n <= 6; n++) { // one more than postmaster.resume.replay-messages
                publish(publisher, topic, n);
            }
            try (WampTestClient again = hello(Map.of("token", token, "last", 1))) {
                Welcome fresh = again.next(Welcome.class);
                assertNotEquals(w.session(), fresh.session(), "a new session");
                assertEquals(false, ext(fresh).get("resumed"), "told it was not resumed");
                assertNotEquals(token, ext(fresh).get("token"));
                publish(publisher, topic, 7); // the old subscription went with the old session
                again.send(new Subscribe(2, Map.of(), "com.resume.other"));
                assertInstanceOf(Subscribed.class, again.next(), "nothing of the old session arrives first");
            }
        }
    }

    private WampTestClient helloOnWs(Map<String, Object> extra) throws Exception {
        WampTestClient c = WampTestClient.connect(ws(), "wamp.2.json");
        Map<String, Object> details = new HashMap<>(WampTestClient.ROLES);
        details.putAll(extra);
        c.send(new Hello("realm1", details));
        return c;
    }

    @Test
    void onWsAClientThatDoesNotAskSeesNoneOfTheResumptionKeys() throws Exception {
        try (WampTestClient c = helloOnWs(Map.of())) {
            Welcome w = c.next(Welcome.class);
            for (String key : List.of("resumable", "resume_token", "resumed", "_resume")) {
                assertFalse(w.details().containsKey(key), key + " in " + w.details());
            }
        }
    }

    @Test
    void onWsAResumableSessionComesBackWithItsSubscriptionAndWhatWasPublishedMeanwhile() throws Exception {
        String topic = "com.resume.ws1";
        WampTestClient first = helloOnWs(Map.of("resumable", true));
        Welcome w = first.next(Welcome.class);
        assertEquals(true, w.details().get("resumable"), "WELCOME says the session is resumable");
        assertEquals(false, w.details().get("resumed"));
        String token = (String) w.details().get("resume_token");
        assertNotNull(token, "and gives its token");
        first.send(new Subscribe(1, Map.of(), topic));
        long sub = first.next(Subscribed.class).subscription();
        first.close();

        try (WampTestClient publisher = WampTestClient.join(ws(), "realm1")) {
            for (long n = 1; n <= 3; n++) {
                publish(publisher, topic, n);
            }
            try (WampTestClient again = helloOnWs(Map.of("resume-session", w.session(), "resume-token", token,
                    "_resume_last", 1))) {
                Welcome back = again.next(Welcome.class);
                assertEquals(w.session(), back.session(), "the same session");
                assertEquals(true, back.details().get("resumed"));
                assertEquals(true, back.details().get("resumable"), "and resumable again");
                for (long n = 1; n <= 3; n++) {
                    Event e = again.next(Event.class);
                    assertEquals(sub, e.subscription());
                    assertEquals(List.of(n), e.args(), "in order, none missed");
                }
                publish(publisher, topic, 4);
                assertEquals(List.of(4L), again.next(Event.class).args(), "still subscribed");
            }
        }
    }

    @Test
    void onWsATokenPresentedWithAnotherSessionIdGetsAFreshSession() throws Exception {
        WampTestClient first = helloOnWs(Map.of("resumable", true));
        Welcome w = first.next(Welcome.class);
        String token = (String) w.details().get("resume_token");
        first.close();
        try (WampTestClient other = helloOnWs(Map.of("resume-session", w.session() + 1, "resume-token", token))) {
            Welcome fresh = other.next(Welcome.class);
            assertNotEquals(w.session(), fresh.session());
            assertEquals(false, fresh.details().get("resumed"), "told it was not resumed");
        }
    }

    @Test
    void theUnderscoreFormWorksOnWsToo() throws Exception {
        try (WampTestClient c = helloOnWs(Map.of("_resume", true))) {
            Welcome w = c.next(Welcome.class);
            assertEquals(false, ext(w).get("resumed"));
            assertNotNull(ext(w).get("token"));
        }
    }

    @Test
    void aSilentResumablePeerIsClosedAsGoneAwayAndItsSessionWaitsForIt() throws Exception {
        Welcome w;
        try (RawWebSocket silent = new RawWebSocket(resumeUri(), InetAddress.getLoopbackAddress(), "wamp.2.json")) {
            silent.sendText("[1,\"realm1\",{\"roles\":{\"subscriber\":{}},\"_resume\":true}]");
            w = (Welcome) new JsonSerializer().decode(silent.readText());
            // pings every 2 s in the suite, closed after 1 unanswered: within (max-missed + 2) intervals, with slack
            assertEquals(1001, silent.awaitCloseIgnoringPings(12_000), "closed as gone away");
            assertTrue(silent.pingsSeen() >= 1, "it was pinged first");
        }
        try (WampTestClient again = hello(Map.of("token", ext(w).get("token")))) {
            Welcome back = again.next(Welcome.class);
            assertEquals(w.session(), back.session(), "the session waited for its client");
            assertEquals(true, ext(back).get("resumed"));
        }
    }

    @Test
    void anUnknownTokenGetsAFreshSession() throws Exception {
        try (WampTestClient c = hello(Map.of("token", "no-such-token", "last", 0))) {
            Welcome w = c.next(Welcome.class);
            assertEquals(false, ext(w).get("resumed"));
        }
    }
}
