package io.postmaster.it;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.function.Predicate;

/** HTTP to the operator endpoints and the {@link JmxProbe}, for the operator ITs. */
final class OperatorHttp {
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final String base;

    /** @param base {@code http://127.0.0.1:PORT} and the context path, without a final slash */
    OperatorHttp(String base) {
        this.base = base;
    }

    HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return HTTP.send(HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** The probe's answer to {@code query} (a JMX pattern): the names, one a line. */
    String jmxQuery(String pattern) throws IOException, InterruptedException {
        return get("/postmaster-it/jmx?query=" + enc(pattern)).body();
    }

    String jmxAttribute(String name, String attr) throws IOException, InterruptedException {
        return get("/postmaster-it/jmx?name=" + enc(name) + "&attr=" + attr).body();
    }

    HttpResponse<String> jmxInvoke(String name, String op, String params) throws IOException, InterruptedException {
        return get("/postmaster-it/jmx?name=" + enc(name) + "&op=" + op + (params.isEmpty() ? "" : "&" + params));
    }

    /** Asks until {@code ok} holds for the answer or 10 s pass; returns the last answer. */
    HttpResponse<String> await(String path, Predicate<HttpResponse<String>> ok) throws Exception {
        long deadline = System.nanoTime() + 10_000_000_000L;
        HttpResponse<String> r = get(path);
        while (!ok.test(r) && System.nanoTime() < deadline) {
            Thread.sleep(50); // the router updates its counters as sessions close, on other threads: ask again
            r = get(path);
        }
        return r;
    }

    static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
