package io.postmaster.it;

import io.postmaster.message.WampMessage;
import io.postmaster.serialization.JsonSerializer;
import io.postmaster.testing.PrometheusText;
import io.postmaster.testing.WampTestClient;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.URL;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The operator's view of the deployed router: {@code /metrics} parses strictly and counts what clients did,
 * {@code /health/*} answers in MicroProfile Health's shape, the MXBeans are in the platform MBean server (read by a
 * JMX client inside the server, {@link JmxProbe}) and {@code killSession} ends a client's session with the reason.
 */
class OperatorIT extends ContainerBase {
    private static final String REALM = "realm1";
    private static final String ROUTER_BEAN = "io.postmaster:type=Router,context=/";

    @Deployment(testable = false)
    static WebArchive deployment() {
        return builtWar().addClass(JmxProbe.class);
    }


    private OperatorHttp http() {
        return new OperatorHttp("http://127.0.0.1:" + base.getPort());
    }

    private static double sessions(HttpResponse<String> metrics) {
        Double v = PrometheusText.parse(metrics.body()).value("wamp_sessions", "realm", REALM);
        return v == null ? -1 : v;
    }

    @Test
    void metricsParseStrictlyAndCountSessions() throws Exception {
        OperatorHttp http = http();
        HttpResponse<String> first = http.get("/metrics");
        assertEquals(200, first.statusCode());
        assertEquals("text/plain;version=0.0.4;charset=utf-8",
                first.headers().firstValue("Content-Type").orElse("").toLowerCase().replace(" ", ""));
        PrometheusText before = PrometheusText.parse(first.body());
        double start = before.value("wamp_sessions", "realm", REALM);
        double goodbyes = before.value("wamp_sessions_closed_total", "reason", "goodbye");
        assertNotNull(before.value("postmaster_build_info", "version", "0.1.0-SNAPSHOT", "java",
                before.families().get("postmaster_build_info").samples().get(0).labels().get("java")));

        int n = 3;
        List<WampTestClient> clients = new ArrayList<>();
        try {
            for (int i = 0; i < n; i++) {
                clients.add(WampTestClient.join(ws(), REALM));
            }
            HttpResponse<String> during = http.await("/metrics", r -> sessions(r) == start + n);
            PrometheusText p = PrometheusText.parse(during.body());
            assertEquals(start + n, p.value("wamp_sessions", "realm", REALM));
            assertTrue(p.value("wamp_messages_received_total", "serializer", "json", "type", "hello") >= n);
            assertTrue(p.value("wamp_messages_sent_total", "serializer", "json", "type", "welcome") >= n);
            assertEquals(start + n, Double.parseDouble(http.jmxAttribute(
                    "io.postmaster:type=Realm,context=/,name=" + REALM, "SessionCount")));
            for (WampTestClient c : clients) {
                c.send(new WampMessage.Goodbye(Map.of(), "wamp.close.normal"));
                c.next(WampMessage.Goodbye.class);
            }
            HttpResponse<String> after = http.await("/metrics", r -> sessions(r) == start);
            PrometheusText q = PrometheusText.parse(after.body());
            assertEquals(start, q.value("wamp_sessions", "realm", REALM));
            assertEquals(goodbyes + n, q.value("wamp_sessions_closed_total", "reason", "goodbye"));
        } finally {
            clients.forEach(WampTestClient::close);
        }
    }

    @Test
    void healthAnswersUpInTheMicroProfileShape() throws Exception {
        OperatorHttp http = http();
        for (String which : new String[] {"started", "live", "ready"}) {
            HttpResponse<String> r = http.get("/health/" + which);
            assertEquals(200, r.statusCode(), which + ": " + r.body());
            assertTrue(r.headers().firstValue("Content-Type").orElse("").startsWith("application/json"));
            assertTrue(r.body().startsWith("{\"status\":\"UP\",\"checks\":[{\"name\":"), r.body());
        }
        assertTrue(http.get("/health/ready").body().contains("\"name\":\"draining\",\"status\":\"UP\""));
        assertEquals(404, http.get("/health/nothing").statusCode());
    }

    @Test
    void mxBeansArePresentAndKillSessionEndsTheClientWithTheReason() throws Exception {
        OperatorHttp http = http();
        String names = http.jmxQuery("io.postmaster:*");
        assertTrue(names.contains("context=/,type=Router"), names);
        for (String realm : itRealms()) {
            assertTrue(names.contains("name=" + realm + ",type=Realm"), names);
        }
        assertEquals(1 + itRealms().size(), names.lines().count(), names); // the router and one per realm

        try (WampTestClient c = WampTestClient.connect(ws(), JsonSerializer.SUBPROTOCOL)) {
            c.send(new WampMessage.Hello(REALM, WampTestClient.ROLES));
            long id = c.next(WampMessage.Welcome.class).session();
            HttpResponse<String> r = http.jmxInvoke(ROUTER_BEAN, "killSession",
                    "id=" + id + "&reason=" + OperatorHttp.enc("com.example.maintenance"));
            assertEquals("true", r.body());
            WampMessage.Goodbye bye = c.next(WampMessage.Goodbye.class);
            assertEquals("com.example.maintenance", bye.reason());
            assertEquals(1000, c.closeCode());
        }
        assertEquals("false", http.jmxInvoke(ROUTER_BEAN, "killSession", "id=1&reason=x").body());
    }
}
