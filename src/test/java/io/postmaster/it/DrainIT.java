package io.postmaster.it;

import io.postmaster.message.ErrorUris;
import io.postmaster.message.WampMessage;
import io.postmaster.serialization.JsonSerializer;
import io.postmaster.testing.WampTestClient;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;

import java.net.URL;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Draining the deployed router (the MXBean's {@code drain}, what undeploy does first): readiness goes DOWN (503) at
 * once, a new HELLO gets ABORT {@code wamp.close.system_shutdown}, a new CALL gets ERROR, a call already running gets
 * its RESULT, and when the grace ({@code postmaster.drain-grace-ms}, 3 s in the suite) is over every session gets
 * GOODBYE {@code wamp.close.system_shutdown}.
 */
class DrainIT extends ContainerBase {
    private static final String REALM = "realm1";

    @Deployment(testable = false)
    static WebArchive deployment() {
        return builtWar().addClass(JmxProbe.class);
    }


    @Test
    void drainRefusesNewWorkLetsRunningCallsEndThenSaysGoodbye() throws Exception {
        OperatorHttp http = new OperatorHttp("http://127.0.0.1:" + base.getPort());
        assertEquals(200, http.get("/health/ready").statusCode());
        try (WampTestClient callee = WampTestClient.join(ws(), REALM);
             WampTestClient caller = WampTestClient.join(ws(), REALM)) {
            callee.send(new WampMessage.Register(1, Map.of(), "com.example.drain.slow"));
            callee.next(WampMessage.Registered.class);
            caller.send(new WampMessage.Call(1, Map.of(), "com.example.drain.slow", List.of(), null));
            WampMessage.Invocation running = callee.next(WampMessage.Invocation.class);

            assertEquals(200, http.jmxInvoke("io.postmaster:type=Router,context=/", "drain", "").statusCode());

            HttpResponse<String> ready = http.get("/health/ready");
            assertEquals(503, ready.statusCode(), ready.body());
            assertTrue(ready.body().startsWith("{\"status\":\"DOWN\""), ready.body());
            assertTrue(ready.body().contains("\"name\":\"draining\",\"status\":\"DOWN\""), ready.body());
            assertEquals(200, http.get("/health/live").statusCode());

            try (WampTestClient late = WampTestClient.connect(ws(), JsonSerializer.SUBPROTOCOL)) {
                late.send(new WampMessage.Hello(REALM, WampTestClient.ROLES));
                assertEquals(ErrorUris.SYSTEM_SHUTDOWN, late.next(WampMessage.Abort.class).reason());
            }
            caller.send(new WampMessage.Call(2, Map.of(), "com.example.drain.slow", List.of(), null));
            WampMessage.Error refused = caller.next(WampMessage.Error.class);
            assertEquals(2, refused.request());
            assertEquals(ErrorUris.SYSTEM_SHUTDOWN, refused.error());

            callee.send(new WampMessage.Yield(running.request(), Map.of(), List.of("finished"), null));
            assertEquals(List.of("finished"), caller.next(WampMessage.Result.class).args());

            assertEquals(ErrorUris.SYSTEM_SHUTDOWN, caller.next(WampMessage.Goodbye.class).reason());
            assertEquals(ErrorUris.SYSTEM_SHUTDOWN, callee.next(WampMessage.Goodbye.class).reason());
        }
    }
}
