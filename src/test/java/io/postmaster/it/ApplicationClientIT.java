package io.postmaster.it;

import io.postmaster.message.ErrorUris;
import io.postmaster.message.WampMessage.*;
import io.postmaster.testing.WampTestClient;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Application code talking WAMP, in the example application ({@code src/example}) deployed on the server: its REST
 * resource publishes through the injected {@code WampClient} and a WebSocket client receives the event; its
 * {@code @WampSubscription} bean receives it too and answers with it; the HTTP bridge publishes and calls with the
 * realm's bearer token for role {@code member}.
 */
class ApplicationClientIT extends ContainerBase {
    static final String TOKEN = "backoffice-bridge-token-2b4d6f8a0c1e3a5c7e9b1d3f5a7c9e0b";

    @Deployment(testable = false)
    static WebArchive deployment() {
        return exampleWar();
    }


    @Test
    void aRestResourcePublishesAndABeanSubscribes() throws Exception {
        String text = "hello " + System.nanoTime();
        try (WampTestClient browser = WampTestClient.join(ws(), "realm1")) {
            browser.send(new Subscribe(1, Map.of(), "com.example.announcements"));
            browser.next(Subscribed.class);
            HttpResponse<String> r = new BridgeHttp(base).post("/api/announcements",
                    "{\"author\":\"ada\",\"text\":\"" + text + "\"}", null);
            assertEquals(202, r.statusCode(), r.body());
            Event e = browser.next(Event.class);
            assertEquals(Map.of("author", "ada", "text", text), e.kwargs(), "published by the injected client");
            assertEquals(Map.of("author", "ada", "text", text), lastAnnouncement(browser, text),
                    "the @WampSubscription bean received it too");
        }
    }

    @Test
    void theBridgePublishesAndCalls() throws Exception {
        BridgeHttp http = new BridgeHttp(base);
        String text = "via the bridge " + System.nanoTime();
        try (WampTestClient browser = WampTestClient.join(ws(), "realm1")) {
            browser.send(new Subscribe(1, Map.of(), "com.example.announcements"));
            browser.next(Subscribed.class);
            HttpResponse<String> r = http.post("/bridge/publish", "{\"realm\":\"realm1\",\"topic\":"
                    + "\"com.example.announcements\",\"kwargs\":{\"author\":\"backoffice\",\"text\":\"" + text + "\"}}",
                    TOKEN);
            assertEquals(200, r.statusCode(), r.body());
            assertEquals(Map.of("author", "backoffice", "text", text), browser.next(Event.class).kwargs());
            assertEquals(Map.of("author", "backoffice", "text", text), lastAnnouncement(browser, text));
        }
        HttpResponse<String> sum = http.post("/bridge/call",
                "{\"realm\":\"realm1\",\"procedure\":\"com.example.add\",\"args\":[2,3]}", TOKEN);
        assertEquals(200, sum.statusCode(), sum.body());
        assertEquals("{\"args\":[5],\"kwargs\":{}}", sum.body(), "a members-only @WampProcedure, as role member");
        HttpResponse<String> broken = http.post("/bridge/call",
                "{\"realm\":\"realm1\",\"procedure\":\"com.example.broken\"}", TOKEN);
        assertEquals(502, broken.statusCode(), broken.body());
        assertEquals(ErrorUris.RUNTIME_ERROR, BridgeHttp.error(broken));
        assertFalse(broken.body().contains("hunter2"), "internal errors never leak");
        HttpResponse<String> slow = http.post("/bridge/call", "{\"realm\":\"realm1\",\"procedure\":\"com.example.slow\","
                + "\"args\":[2000],\"options\":{\"timeout\":200}}", TOKEN);
        assertEquals(504, slow.statusCode(), slow.body());
        assertEquals(ErrorUris.TIMEOUT, BridgeHttp.error(slow));
    }

    /** What the board bean last received, once it is {@code text} (it hears of it on its own session, in parallel). */
    private static Object lastAnnouncement(WampTestClient c, String text) throws Exception {
        Object last = null;
        for (int i = 0; i < 100; i++) {
            c.send(new Call(100 + i, Map.of(), "com.example.announcements.last", List.of(), null));
            Result r = c.next(Result.class);
            last = r.args() == null || r.args().isEmpty() ? null : r.args().get(0);
            if (last instanceof Map<?, ?> m && text.equals(m.get("text"))) {
                return last;
            }
            Thread.sleep(20);
        }
        return last;
    }
}
