package io.postmaster.it;

import io.postmaster.message.WampMessage;
import io.postmaster.serialization.Frame;
import io.postmaster.serialization.JsonSerializer;

import org.jboss.shrinkwrap.api.ShrinkWrap;
import org.jboss.shrinkwrap.api.importer.ZipImporter;
import org.jboss.shrinkwrap.api.spec.WebArchive;

import java.io.File;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * HTTP and WebSocket clients for the admin console's paths, with BASIC credentials and an {@code Origin} of the
 * test's choosing. The container suite's servers have the users {@code admin}/{@code admin} (role
 * {@code postmaster-admin}) and {@code observer}/{@code observer} (no role).
 */
final class AdminConsoleClients {
    static final String[] ADMIN = {"admin", "admin"};
    static final String[] OBSERVER = {"observer", "observer"};
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10)).build();
    private static final JsonSerializer JSON = new JsonSerializer();

    private AdminConsoleClients() {
    }

    /** The server under test: wildfly, payara, tomee or liberty (failsafe sets it from -Dcontainer). */
    static String container() {
        return System.getProperty("it.container", "wildfly");
    }

    /** The WAR {@code mvn package} built, named as each server serves it at {@code /} (TomEE: {@code ROOT.war}). */
    static WebArchive builtWar() {
        File war = new File(System.getProperty("postmaster.war", "target/postmaster.war"));
        if (!war.isFile()) {
            throw new IllegalStateException("build the WAR first (mvn verify does): " + war);
        }
        String name = container().equals("tomee") ? "ROOT.war" : "postmaster.war";
        return ShrinkWrap.create(ZipImporter.class, name).importFrom(war).as(WebArchive.class);
    }

    /** The router's own WebSocket ({@code /ws}), dialled on 127.0.0.1. */
    static URI ws(URL base) {
        return URI.create("ws://127.0.0.1:" + base.getPort() + "/ws");
    }

    static String base(URL base) {
        return "http://127.0.0.1:" + base.getPort();
    }

    static URI adminWs(URL base) {
        return URI.create("ws://127.0.0.1:" + base.getPort() + "/admin/ws");
    }

    static String basic(String[] user) {
        return "Basic " + Base64.getEncoder().encodeToString((user[0] + ":" + user[1]).getBytes(StandardCharsets.UTF_8));
    }

    /** GET {@code path} with the user's credentials (none if null). */
    static HttpResponse<String> get(URL base, String path, String[] user) throws Exception {
        return get(URI.create(base(base) + path), user);
    }

    /** GET {@code uri} with the user's credentials (none if null). */
    static HttpResponse<String> get(URI uri, String[] user) throws Exception {
        // 30 s: a server may delay its answer to a failed login (Liberty does)
        HttpRequest.Builder b = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(30));
        if (user != null) {
            b.header("Authorization", basic(user));
        }
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    /**
     * {@code method} {@code path} with the user's credentials (none if null), an {@code Origin} (none if null) and a
     * body of {@code contentType} (none if the body is null).
     */
    static HttpResponse<String> send(URL base, String method, String path, String[] user, String origin,
                                     String contentType, String body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base(base) + path)).timeout(Duration.ofSeconds(30))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body));
        if (user != null) {
            b.header("Authorization", basic(user));
        }
        if (origin != null) {
            b.header("Origin", origin);
        }
        if (contentType != null) {
            b.header("Content-Type", contentType);
        }
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** A WAMP JSON client of the admin WebSocket; the handshake's failure surfaces from {@link #connect}. */
    static final class AdminWs implements WebSocket.Listener, AutoCloseable {
        private final LinkedBlockingQueue<String> messages = new LinkedBlockingQueue<>();
        private final StringBuilder partial = new StringBuilder();
        final CompletableFuture<Integer> closed = new CompletableFuture<>();
        private WebSocket ws;

        static AdminWs connect(URL base, String[] user, String origin) throws Exception {
            return connect(adminWs(base), user, origin);
        }

        /** The same at {@code uri} (a deployment under a context root of its own). */
        static AdminWs connect(URI uri, String[] user, String origin) throws Exception {
            AdminWs c = new AdminWs();
            WebSocket.Builder b = HTTP.newWebSocketBuilder().subprotocols(JsonSerializer.SUBPROTOCOL);
            if (user != null) {
                b.header("Authorization", basic(user));
            }
            if (origin != null) {
                b.header("Origin", origin);
            }
            c.ws = b.buildAsync(uri, c).get(10, TimeUnit.SECONDS);
            return c;
        }

        void send(WampMessage m) throws Exception {
            ws.sendText(((Frame.Text) JSON.encode(m)).text(), true).get(10, TimeUnit.SECONDS);
        }

        WampMessage next() throws Exception {
            String text = messages.poll(10, TimeUnit.SECONDS);
            if (text == null) {
                throw new AssertionError("no message within 10 s");
            }
            return JSON.decode(text);
        }

        @SuppressWarnings("unchecked")
        <T extends WampMessage> T next(Class<T> type) throws Exception {
            WampMessage m = next();
            if (!type.isInstance(m)) {
                throw new AssertionError("expected " + type.getSimpleName() + ", got " + m);
            }
            return (T) m;
        }

        @Override
        public void onOpen(WebSocket webSocket) {
            webSocket.request(1);
        }

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                messages.add(partial.toString());
                partial.setLength(0);
            }
            webSocket.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
            closed.complete(statusCode);
            return null;
        }

        @Override
        public void onError(WebSocket webSocket, Throwable error) {
            closed.completeExceptionally(error);
        }

        @Override
        public void close() {
            if (!ws.isOutputClosed()) {
                ws.sendClose(WebSocket.NORMAL_CLOSURE, "");
            }
        }
    }
}
