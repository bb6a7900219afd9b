package io.postmaster.it;

import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** Requests to the HTTP bridge and the example application's REST API, as {@code curl} would send them. */
final class BridgeHttp {
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    private final URL base;

    BridgeHttp(URL base) {
        this.base = base;
    }

    /** {@code POST <path>} with a JSON body, and {@code Authorization: Bearer <token>} unless null. */
    HttpResponse<String> post(String path, String json, String token) throws Exception {
        return post(path, json, token, "application/json");
    }

    HttpResponse<String> post(String path, String body, String token, String contentType) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + base.getPort() + path))
                .timeout(Duration.ofSeconds(20))
                .header("Content-Type", contentType)
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** {@code POST <path>} with a JSON body and HTTP BASIC credentials ({@code curl -u user:password}). */
    HttpResponse<String> postBasic(String path, String json, String user, String password) throws Exception {
        HttpRequest r = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + base.getPort() + path))
                .timeout(Duration.ofSeconds(20))
                .header("Content-Type", "application/json")
                .header("Authorization", basic(user, password))
                .POST(HttpRequest.BodyPublishers.ofString(json)).build();
        return HTTP.send(r, HttpResponse.BodyHandlers.ofString());
    }

    /** The {@code Authorization} header value of HTTP BASIC. */
    static String basic(String user, String password) {
        return "Basic " + java.util.Base64.getEncoder().encodeToString((user + ":" + password)
                .getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    /** The {@code "error"} member of a JSON answer: the WAMP error URI. */
    static String error(HttpResponse<String> r) {
        String body = r.body();
        int at = body.indexOf("\"error\":\"");
        return at < 0 ? null : body.substring(at + 9, body.indexOf('"', at + 9));
    }
}
