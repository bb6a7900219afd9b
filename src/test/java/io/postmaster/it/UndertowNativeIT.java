package io.postmaster.it;

import io.postmaster.message.WampMessage;
import io.postmaster.testing.WampTestClient;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * On WildFly, {@code /ws} is served by Undertow's own WebSocket API by default ({@code postmaster.undertow-native}),
 * with the WebSocket frames read and written by Postmaster ({@code postmaster.own-framing}), which the whole suite
 * then goes through (or, run with {@code POSTMASTER_OWN_FRAMING=false} in the environment, Undertow's WebSocket
 * channel); the deployment says so once at start. Checked by the last such line of
 * WildFly's log (this deployment's), and by an RPC between a JSON and a MessagePack session. Elsewhere skipped (see
 * {@link ServletUpgradeIT}).
 */
class UndertowNativeIT extends ContainerBase {

    @Deployment(testable = false)
    static WebArchive deployment() {
        return builtWar();
    }

    @Test
    void wildFlyServesWampV2WithUndertowsOwnApi() throws Exception {
        Path log = assumeServerLog();
        String chosen = lastChoice(log);
        assertNotNull(chosen, "the deployment says which serves /ws");
        assertTrue(chosen.contains("Undertow's own WebSocket API"), chosen);
        assertTrue(chosen.contains(ownFramingInThisRun()
                ? "framed by Postmaster on the upgraded connection (postmaster.own-framing)"
                : "framed by Undertow's WebSocket channel (postmaster.own-framing is off)"), chosen);
        callAcrossSerializers(this);
    }

    /** The line of WildFly's log that says what serves {@code /ws}, the last one written; null if none. */
    static String lastChoice(Path log) throws IOException {
        List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
        for (int i = lines.size() - 1; i >= 0; i--) {
            if (lines.get(i).contains("WebSocket /ws is served by")) {
                return lines.get(i);
            }
        }
        return null;
    }

    /** A callee over JSON, a caller over MessagePack: one call, its result. */
    static void callAcrossSerializers(ContainerBase it) throws Exception {
        try (WampTestClient callee = WampTestClient.join(it.ws(), "realm1", "wamp.2.json");
             WampTestClient caller = WampTestClient.join(it.ws(), "realm1", "wamp.2.msgpack")) {
            callee.send(new WampMessage.Register(1, Map.of(), "com.example.native.echo"));
            callee.next(WampMessage.Registered.class);
            caller.send(new WampMessage.Call(2, Map.of(), "com.example.native.echo", List.of("hello", 7), Map.of()));
            WampMessage.Invocation inv = callee.next(WampMessage.Invocation.class);
            callee.send(new WampMessage.Yield(inv.request(), Map.of(), inv.args(), Map.of()));
            WampMessage.Result r = caller.next(WampMessage.Result.class);
            assertEquals(2, r.request());
            assertEquals("hello", r.args().get(0));
            assertEquals(7, ((Number) r.args().get(1)).intValue());
        }
    }
}
