package io.postmaster.it;

import io.postmaster.testing.RawWebSocket;
import io.postmaster.adapter.JsonValues;
import io.postmaster.message.WampMessage.Event;
import io.postmaster.message.WampMessage.Publish;
import io.postmaster.message.WampMessage.Published;
import io.postmaster.message.WampMessage.Subscribe;
import io.postmaster.message.WampMessage.Subscribed;
import io.postmaster.testing.WampTestClient;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.net.URL;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.*;

/**
 * webrocket v0.2.0 clients against the deployed WAR, at {@code /webrocket/rocket}. webrocket's only client is its Go
 * test (pre-Go 1, it no longer builds), so these are its cases as transcripts over a real WebSocket, frame for frame,
 * with the subprotocol {@code ws} it offered; then bridging with a WAMP client in the same realm.
 */
class WebrocketIT extends ContainerBase {
    static final String OK = "{\"ok\":true}";

    @Deployment(testable = false)
    static WebArchive deployment() {
        return builtWar();
    }


    private RawWebSocket connect() throws IOException {
        return new RawWebSocket(URI.create("ws://127.0.0.1:" + base.getPort() + "/webrocket/rocket"),
                InetAddress.getLoopbackAddress(), "ws");
    }

    private static String err(String code) {
        return "{\"err\":\"" + code + "\"}";
    }

    /** Sends a frame and reads the next frame, the answer. */
    private static String ask(RawWebSocket ws, String frame) throws IOException {
        ws.sendText(frame);
        return ws.readText();
    }

    /**
     * Logs in with the right secret. webrocket has no answer for "try again later": a login the router's login guard
     * refuses for its per-authid rate (these tests log the same access level in one after the other) is answered
     * {@code invalid_credentials}, so a polite client backs off and tries again.
     */
    private static void login(RawWebSocket ws, String access, String secret) throws Exception {
        String frame = "{\"auth\":{\"access\":\"" + access + "\",\"secret\":\"" + secret + "\"}}";
        String answer = ask(ws, frame);
        for (int attempt = 1; attempt < 10 && answer.equals("{\"err\":\"invalid_credentials\"}"); attempt++) {
            Thread.sleep(1000);
            answer = ask(ws, frame);
        }
        assertEquals(OK, answer);
    }

    @Test
    void wrongSecretIsInvalidCredentialsAndDropsTheEarlierLogin() throws Exception {
        try (RawWebSocket ws = connect()) {
            login(ws, "read-write", "rw-secret");
            assertEquals(OK, ask(ws, "{\"subscribe\":{\"channel\":\"wrong-secret\"}}"));
            assertEquals(err("invalid_credentials"),
                    ask(ws, "{\"auth\":{\"access\":\"read-write\",\"secret\":\"not-it\"}}"));
            assertEquals(err("access_denied"), ask(ws, "{\"subscribe\":{\"channel\":\"wrong-secret\"}}"));
        }
    }

    @Test
    void emptySecretAndUnknownAccessAreInvalidCredentialsNotAnything() throws Exception {
        try (RawWebSocket ws = connect()) {
            assertEquals(err("invalid_credentials"), ask(ws, "{\"auth\":{\"access\":\"read-write\",\"secret\":\"\"}}"));
            assertEquals(err("invalid_credentials"), ask(ws, "{\"auth\":{\"access\":\"admin\",\"secret\":\"rw-secret\"}}"));
            assertEquals(err("access_denied"), ask(ws, "{\"subscribe\":{\"channel\":\"x\"}}"));
        }
    }

    @Test
    void badDataUnknownOperationsAndNonJsonAreInvalidData() throws Exception {
        try (RawWebSocket ws = connect()) {
            assertEquals(err("invalid_data"), ask(ws, "{\"auth\":\"x\"}"));
            assertEquals(err("invalid_data"), ask(ws, "{\"auth\":{\"access\":\"read-only\"}}"));
            assertEquals(err("invalid_data"), ask(ws, "{\"subscribe\":{\"chan\":\"x\"}}"));
            assertEquals(err("invalid_data"), ask(ws, "{\"fly\":{\"to\":\"moon\"}}"));
            assertEquals(err("invalid_data"), ask(ws, "not json at all"));
            assertEquals(err("invalid_data"), ask(ws, "[1,2,3]"));
            assertEquals(err("invalid_data"), ask(ws, "{\"subscribe\":{\"channel\":\"x\"}} trailing"));
            // the connection is still fine
            login(ws, "read-only", "ro-secret");
            assertEquals(OK, ask(ws, "{\"subscribe\":{\"channel\":\"after-bad-data\"}}"));
        }
    }

    @Test
    void readerSubscribesButMayNotPublish() throws Exception {
        try (RawWebSocket ws = connect()) {
            assertEquals(err("access_denied"), ask(ws, "{\"subscribe\":{\"channel\":\"readers\"}}"));
            login(ws, "read-only", "ro-secret");
            assertEquals(OK, ask(ws, "{\"subscribe\":{\"channel\":\"readers\"}}"));
            assertEquals(err("invalid_channel_name"), ask(ws, "{\"subscribe\":{\"channel\":\"\"}}"));
            assertEquals(err("access_denied"),
                    ask(ws, "{\"publish\":{\"event\":\"e\",\"channel\":\"readers\",\"data\":{\"a\":1}}}"));
            assertEquals(OK, ask(ws, "{\"unsubscribe\":{\"channel\":\"readers\"}}"));
            assertEquals(OK, ask(ws, "{\"unsubscribe\":{\"channel\":\"never-subscribed\"}}"));
        }
    }

    @Test
    void publishReachesSubscribersAndThePublishersOwnCopy() throws Exception {
        try (RawWebSocket reader = connect(); RawWebSocket writer = connect()) {
            login(reader, "read-only", "ro-secret");
            login(writer, "read-write", "rw-secret");
            assertEquals(err("invalid_channel"),
                    ask(writer, "{\"publish\":{\"event\":\"e\",\"channel\":\"Room 1\",\"data\":1}}"));
            assertEquals(OK, ask(reader, "{\"subscribe\":{\"channel\":\"Room 1\"}}"));
            assertEquals(OK, ask(writer, "{\"subscribe\":{\"channel\":\"Room 1\"}}"));
            writer.sendText("{\"publish\":{\"event\":\"said\",\"channel\":\"Room 1\",\"data\":{\"text\":\"hi\"}}}");
            Map<String, Object> expected = Map.of("event", "said", "channel", "Room 1", "data", Map.of("text", "hi"));
            assertEquals(expected, JsonValues.parse(reader.readText()));
            // the ok and the publisher's own copy may come in either order
            Set<Object> got = new HashSet<>(List.of(JsonValues.parse(writer.readText()),
                    JsonValues.parse(writer.readText())));
            assertEquals(Set.of(Map.of("ok", true), expected), got);
        }
    }

    @Test
    void logoutEndsTheLoginAndItsSubscriptions() throws Exception {
        try (RawWebSocket ws = connect()) {
            login(ws, "read-write", "rw-secret");
            assertEquals(OK, ask(ws, "{\"subscribe\":{\"channel\":\"logout\"}}"));
            assertEquals(OK, ask(ws, "{\"logout\":true}"));
            assertEquals(err("access_denied"), ask(ws, "{\"subscribe\":{\"channel\":\"logout\"}}"));
            assertEquals(err("access_denied"),
                    ask(ws, "{\"publish\":{\"event\":\"e\",\"channel\":\"logout\",\"data\":null}}"));
        }
    }

    @Test
    void disconnectIsAnsweredThenClosed() throws Exception {
        try (RawWebSocket ws = connect()) {
            assertEquals(OK, ask(ws, "{\"disconnect\":true}"));
            assertEquals(1000, ws.awaitCloseIgnoringPings(5000));
        }
    }

    @Test
    void operationsSentAheadAreAnsweredInOrder() throws Exception {
        try (RawWebSocket ws = connect()) {
            ws.sendText("{\"auth\":{\"access\":\"read-write\",\"secret\":\"rw-secret\"}}");
            ws.sendText("{\"subscribe\":{\"channel\":\"ahead\"}}");
            ws.sendText("{\"subscribe\":{\"channel\":\"\"}}");
            ws.sendText("{\"bogus\":true}");
            ws.sendText("{\"unsubscribe\":{\"channel\":\"ahead\"}}");
            ws.sendText("{\"publish\":{\"event\":\"e\",\"channel\":\"ahead\",\"data\":1}}");
            assertEquals(OK, ws.readText());
            assertEquals(OK, ws.readText());
            assertEquals(err("invalid_channel_name"), ws.readText());
            assertEquals(err("invalid_data"), ws.readText());
            assertEquals(OK, ws.readText());
            assertEquals(err("invalid_channel"), ws.readText());
        }
    }

    @Test
    void aWampClientAndAWebrocketClientShareAChannel() throws Exception {
        try (RawWebSocket ws = connect();
             WampTestClient wamp = WampTestClient.join(ws(), "rocket")) {
            login(ws, "read-write", "rw-secret");
            assertEquals(OK, ask(ws, "{\"subscribe\":{\"channel\":\"bridge\"}}"));
            wamp.send(new Subscribe(1, Map.of(), "webrocket.bridge"));
            wamp.next(Subscribed.class);

            // webrocket -> WAMP: args [data], kwargs {event}
            ws.sendText("{\"publish\":{\"event\":\"from-rocket\",\"channel\":\"bridge\",\"data\":[1,\"two\"]}}");
            Event e = wamp.next(Event.class);
            assertEquals(List.of(List.of(1L, "two")), e.args());
            assertEquals(Map.of("event", "from-rocket"), e.kwargs());
            Set<Object> got = new HashSet<>(List.of(JsonValues.parse(ws.readText()), JsonValues.parse(ws.readText())));
            assertTrue(got.contains(Map.of("ok", true)), got.toString());

            // WAMP -> webrocket
            wamp.send(new Publish(2, Map.of("acknowledge", true), "webrocket.bridge", List.of(Map.of("n", 42L)),
                    Map.of("event", "from-wamp")));
            assertEquals(Map.of("event", "from-wamp", "channel", "bridge", "data", Map.of("n", 42L)),
                    JsonValues.parse(ws.readText()));
        }
    }

    @Test
    void anUnservedRealmIsClosedWithPolicy() throws Exception {
        try (RawWebSocket ws = new RawWebSocket(URI.create("ws://127.0.0.1:" + base.getPort() + "/webrocket/realm1"),
                InetAddress.getLoopbackAddress(), "ws")) {
            assertEquals(1008, ws.awaitCloseIgnoringPings(5000));
        }
    }
}
