package io.postmaster.bridge;

import io.postmaster.config.AuthConfig;
import io.postmaster.config.PostmasterConfig;
import io.postmaster.inprocess.LocalClient;
import io.postmaster.message.ErrorUris;
import io.postmaster.router.Extensions;
import io.postmaster.router.Router;
import io.postmaster.spi.Permissions;
import io.postmaster.spi.SessionDetails;
import io.postmaster.spi.SessionJoined;
import io.postmaster.spi.SessionLeft;
import io.postmaster.router.SessionListener;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The bridge against a plain router: who a request is (the container's principal mapped to a realm role, or a
 * configured bearer token), that the realm's rules then decide, and that the bridge is off unless enabled. The HTTP
 * side is tested on the server ({@code it/HostileBridgeIT}).
 */
class HttpBridgeTest {
    static final String TOKEN = "a-long-random-token-for-the-test-0123456789";
    ScheduledThreadPoolExecutor timers = new ScheduledThreadPoolExecutor(1);
    ExecutorService executor = Executors.newFixedThreadPool(2);
    List<SessionDetails> joined = new CopyOnWriteArrayList<>();
    Router router;
    LocalClient client;
    HttpBridge bridge;

    void start(Map<String, String> extra) throws Exception {
        Map<String, String> settings = new java.util.HashMap<>(Map.of(
                "postmaster.realms", "realm1,closed",
                "postmaster.realm.realm1.bridge", "true",
                "postmaster.realm.realm1.bridge.roles", "Staff=writer, Admin=admin",
                "postmaster.realm.realm1.bridge.tokens", "shop",
                "postmaster.realm.realm1.bridge.token.shop.role", "writer",
                "postmaster.realm.realm1.bridge.token.shop.sha256", HexFormat.of().formatHex(
                        MessageDigest.getInstance("SHA-256").digest(TOKEN.getBytes(StandardCharsets.UTF_8)))));
        settings.putAll(extra);
        PostmasterConfig config = PostmasterConfig.from(settings::get);
        Map<String, Permissions> roles = Map.of(
                "writer", AuthConfig.parsePermissions("writer", "com.example. prefix publish,call"),
                "admin", AuthConfig.parsePermissions("admin", "* prefix all"));
        SessionListener listener = new SessionListener() {
            public void joined(SessionJoined e) { joined.add(e.session()); }
            public void left(SessionLeft e) { }
        };
        router = new Router(config, timers, new Extensions(Map.of(), realm -> Set.of(),
                s -> roles.getOrDefault(s.authrole(), Permissions.NONE), (s, p, uri, a) -> p.decide(uri, a),
                listener, executor));
        client = new LocalClient(router, executor, null);
        bridge = new HttpBridge(client, config.bridge());
    }

    @AfterEach
    void stop() {
        if (bridge != null) {
            client.close();
            router.close();
        }
        timers.shutdownNow();
        executor.shutdownNow();
    }

    HttpBridge.Reply publish(String json, HttpBridge.Caller caller) throws Exception {
        return bridge.handle(HttpBridge.Operation.PUBLISH, json.getBytes(StandardCharsets.UTF_8), caller)
                .toCompletableFuture().get(5, TimeUnit.SECONDS);
    }

    /** The first session that joined (the join is observed on the executor, after the reply may be sent). */
    SessionDetails firstJoined() throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (joined.isEmpty() && System.nanoTime() < end) {
            Thread.sleep(5);
        }
        assertFalse(joined.isEmpty(), "a session joined");
        return joined.get(0);
    }

    static HttpBridge.Caller principal(String name, String... containerRoles) {
        return new HttpBridge.Caller(name, Set.of(containerRoles)::contains, null, "192.0.2.7:4000", true);
    }

    static HttpBridge.Caller bearer(String token) {
        return new HttpBridge.Caller(null, r -> false, token == null ? null : "Bearer " + token, "192.0.2.7:4000",
                true);
    }

    static final String NEWS = "{\"realm\":\"realm1\",\"topic\":\"com.example.news\",\"args\":[1]}";

    @Test
    void aContainerPrincipalGetsTheRealmRoleOfItsFirstMappedContainerRole() throws Exception {
        start(Map.of());
        HttpBridge.Reply r = publish(NEWS, principal("carol", "Other", "Staff", "Admin"));
        assertEquals(200, r.status(), r.body().toString());
        SessionDetails s = firstJoined();
        assertEquals("carol", s.authid());
        assertEquals("writer", s.authrole(), "Staff is listed first in the mapping");
        assertEquals(HttpBridge.CONTAINER, s.authmethod());
        assertEquals("192.0.2.7:4000", s.transport().peerAddress());

        HttpBridge.Reply admin = publish("{\"realm\":\"realm1\",\"topic\":\"org.other.news\"}", principal("al", "Admin"));
        assertEquals(200, admin.status(), "role admin may publish anywhere");
        HttpBridge.Reply writer = publish("{\"realm\":\"realm1\",\"topic\":\"org.other.news\"}", principal("carol", "Staff"));
        assertEquals(403, writer.status(), "role writer may not: the realm's rules decide");
        assertEquals(ErrorUris.NOT_AUTHORIZED, writer.body().get("error"));
    }

    @Test
    void aPrincipalWithoutAMappedRoleIsRefused() throws Exception {
        start(Map.of());
        HttpBridge.Reply r = publish(NEWS, principal("eve", "Visitor"));
        assertEquals(403, r.status());
        assertEquals(ErrorUris.NOT_AUTHORIZED, r.body().get("error"));
        assertTrue(joined.isEmpty(), "no session joined");
    }

    @Test
    void aBearerTokenIsItsConfiguredIdentity() throws Exception {
        start(Map.of());
        assertEquals(200, publish(NEWS, bearer(TOKEN)).status());
        assertEquals("shop", firstJoined().authid());
        assertEquals("writer", firstJoined().authrole());
        assertEquals(401, publish(NEWS, bearer(TOKEN + "!")).status(), "a wrong token");
        assertEquals(401, publish(NEWS, bearer(null)).status(), "none");
        assertEquals(401, publish(NEWS, new HttpBridge.Caller(null, r -> false, "Basic c2hvcDp4", "h:1", true))
                .status(), "another scheme");
    }

    @Test
    void theBridgeIsOffUnlessEnabledAndBoundsRequestsAtOnce() throws Exception {
        start(Map.of("postmaster.bridge.max-concurrent", "1"));
        HttpBridge.Reply closed = publish("{\"realm\":\"closed\",\"topic\":\"com.example.news\"}", principal("al", "Admin"));
        assertEquals(404, closed.status(), "a served realm without the bridge");
        assertEquals(ErrorUris.NO_SUCH_REALM, closed.body().get("error"));
        // one request in progress (a call nobody answers), then a second is refused at once
        var first = bridge.handle(HttpBridge.Operation.CALL, ("{\"realm\":\"realm1\",\"procedure\":\"com.example.p\","
                + "\"options\":{\"timeout\":5000}}").getBytes(StandardCharsets.UTF_8), principal("al", "Admin"));
        HttpBridge.Reply second = publish(NEWS, principal("al", "Admin"));
        if (!first.toCompletableFuture().isDone()) {
            assertEquals(503, second.status());
            assertEquals(ErrorUris.LIMIT_REACHED, second.body().get("error"));
        }
        assertEquals(404, first.toCompletableFuture().get(5, TimeUnit.SECONDS).status(), "no such procedure");
        assertEquals(200, publish(NEWS, principal("al", "Admin")).status(), "the permit is back");
    }

    @Test
    void defaultsAreOffAndBounded() {
        PostmasterConfig d = PostmasterConfig.defaults();
        assertFalse(d.bridge().of("realm1").enabled(), "off by default");
        assertEquals(64 * 1024, d.bridge().maxBodyBytes());
        assertEquals(10_000, d.bridge().callTimeout().toMillis());
        assertEquals(64, d.bridge().maxConcurrent());
        assertThrows(IllegalArgumentException.class, () -> PostmasterConfig.from(Map.of(
                "postmaster.realm.realm1.bridge.tokens", "x", "postmaster.realm.realm1.bridge.token.x.role", "r",
                "postmaster.realm.realm1.bridge.token.x.sha256", "not-hex")::get));
        assertThrows(IllegalArgumentException.class, () -> PostmasterConfig.from(Map.of(
                "postmaster.realm.realm1.bridge.roles", "Staff")::get));
    }
}
