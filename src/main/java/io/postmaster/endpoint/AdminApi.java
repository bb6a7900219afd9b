package io.postmaster.endpoint;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import io.postmaster.config.PostmasterConfig;
import io.postmaster.router.Realm;
import jakarta.inject.Inject;
import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import java.io.IOException;

/**
 * The admin console's own HTTP API, {@code GET /admin/api/info}: what the page needs before it opens WebSockets and
 * the meta API cannot tell — the realms served (one admin session is opened on each), the user the container
 * admitted and the admin sessions' authrole. Guarded like every console path (security constraint, {@link AdminGuard}).
 */
@WebServlet(urlPatterns = "/admin/api/info")
public class AdminApi extends HttpServlet {
    private static final JsonFactory JSON = new JsonFactory();

    @Inject
    PostmasterRuntime runtime;

    @Override
    protected void doGet(HttpServletRequest req, HttpServletResponse res) throws IOException {
        PostmasterConfig config = runtime.produceConfig();
        res.setContentType("application/json");
        res.setCharacterEncoding("UTF-8");
        try (JsonGenerator g = JSON.createGenerator(res.getWriter())) {
            g.writeStartObject();
            g.writeStringField("user", req.getRemoteUser());
            g.writeStringField("authrole", config.admin().authrole());
            g.writeStringField("websocket", config.websocket().path().substring(1)); // relative to the context root
            g.writeArrayFieldStart("realms");
            for (Realm r : runtime.router().realms()) {
                g.writeString(r.name());
            }
            g.writeEndArray();
            g.writeEndObject();
        }
    }
}
