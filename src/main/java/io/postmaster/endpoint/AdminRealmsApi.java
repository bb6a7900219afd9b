package io.postmaster.endpoint;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import io.postmaster.logging.RateLimitedLog;
import jakarta.inject.Inject;
import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.NoSuchElementException;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The admin API for realms, behind the console's security constraint (role {@code postmaster-admin}) and
 * {@link AdminGuard}:
 * <ul>
 * <li>{@code GET /admin/api/realms}: {@code {"max":64,"realms":[{"name":…,"sessions":…,"configured":…}]}};</li>
 * <li>{@code PUT /admin/api/realms/<name>} with a JSON object of the realm's settings ({@link RealmAdmin}): 201 when
 * added, 200 when changed;</li>
 * <li>{@code DELETE /admin/api/realms/<name>}: 200 {@code {"realm":…,"sessionsClosed":n}}, its sessions told GOODBYE
 * {@code wamp.close.close_realm}.</li>
 * </ul>
 * Refusals answer {@code {"error":"…"}}: 400 an invalid name or definition, 404 a realm not served, 409 a realm
 * past {@code postmaster.realms-max}, 413 a definition past {@code postmaster.realm-definition-max-bytes}, 415 a body
 * that is not {@code application/json}, 403 a change from a page of another origin. A browser sends the admin's
 * remembered BASIC credentials with any request to this host; the JSON content type (which a page of another site
 * cannot send without a CORS preflight, never granted here) and the same-origin check keep other sites' pages from
 * changing realms with them.
 */
@WebServlet(urlPatterns = {"/admin/api/realms", "/admin/api/realms/*"})
public class AdminRealmsApi extends HttpServlet {
    private static final Logger LOG = Logger.getLogger(AdminRealmsApi.class.getName());
    private static final RateLimitedLog REFUSED = new RateLimitedLog(LOG, Level.WARNING);
    private static final JsonFactory JSON = new JsonFactory();

    @Inject
    RealmAdmin realms;
    @Inject
    PostmasterRuntime runtime;

    @Override
    protected void doGet(HttpServletRequest req, HttpServletResponse res) throws IOException {
        if (name(req) != null) {
            res.sendError(HttpServletResponse.SC_NOT_FOUND);
            return;
        }
        res.setContentType("application/json");
        res.setCharacterEncoding("UTF-8");
        try (JsonGenerator g = JSON.createGenerator(res.getWriter())) {
            g.writeStartObject();
            g.writeNumberField("max", runtime.produceConfig().runtimeRealms().max());
            g.writeArrayFieldStart("realms");
            for (RealmAdmin.Info r : realms.list()) {
                g.writeStartObject();
                g.writeStringField("name", r.name());
                g.writeNumberField("sessions", r.sessions());
                g.writeBooleanField("configured", r.configured());
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeEndObject();
        }
    }

    @Override
    protected void doPut(HttpServletRequest req, HttpServletResponse res) throws IOException {
        String name = changeTarget(req, res);
        if (name == null) {
            return;
        }
        String type = req.getContentType();
        if (type == null || !type.toLowerCase(Locale.ROOT).startsWith("application/json")) {
            answer(res, req, HttpServletResponse.SC_UNSUPPORTED_MEDIA_TYPE, "error",
                    "the definition must be sent as application/json");
            return;
        }
        int max = runtime.produceConfig().runtimeRealms().definitionMaxBytes();
        byte[] body;
        try (InputStream in = req.getInputStream()) {
            body = in.readNBytes(max + 1);
        }
        if (body.length > max) {
            answer(res, req, HttpServletResponse.SC_REQUEST_ENTITY_TOO_LARGE, "error", "the definition is longer than "
                    + max + " bytes (postmaster.realm-definition-max-bytes)");
            return;
        }
        try {
            RealmAdmin.Outcome o = realms.put(name, new String(body, StandardCharsets.UTF_8), who(req));
            res.setStatus(o == RealmAdmin.Outcome.ADDED ? HttpServletResponse.SC_CREATED : HttpServletResponse.SC_OK);
            write(res, "realm", name, o == RealmAdmin.Outcome.ADDED ? "added" : "changed");
        } catch (IllegalArgumentException e) { // RealmAdmin logged it
            res.setStatus(HttpServletResponse.SC_BAD_REQUEST);
            write(res, "error", e.getMessage(), null);
        } catch (IllegalStateException e) {
            res.setStatus(HttpServletResponse.SC_CONFLICT);
            write(res, "error", e.getMessage(), null);
        }
    }

    @Override
    protected void doDelete(HttpServletRequest req, HttpServletResponse res) throws IOException {
        String name = changeTarget(req, res);
        if (name == null) {
            return;
        }
        try {
            int n = realms.remove(name, who(req));
            res.setContentType("application/json");
            res.setCharacterEncoding("UTF-8");
            try (JsonGenerator g = JSON.createGenerator(res.getWriter())) {
                g.writeStartObject();
                g.writeStringField("realm", name);
                g.writeNumberField("sessionsClosed", n);
                g.writeEndObject();
            }
        } catch (NoSuchElementException e) { // RealmAdmin logged it
            res.setStatus(HttpServletResponse.SC_NOT_FOUND);
            write(res, "error", e.getMessage(), null);
        }
    }

    /** The realm a PUT or DELETE names, or null when refused (the answer is sent). */
    private String changeTarget(HttpServletRequest req, HttpServletResponse res) throws IOException {
        if (!AdminConfigurator.sameOrigin(req.getHeader("Origin"), req.getHeader("Host"))) {
            answer(res, req, HttpServletResponse.SC_FORBIDDEN, "error",
                    "realms are changed from the console's own origin only");
            return null;
        }
        String name = name(req);
        if (name == null) {
            answer(res, req, HttpServletResponse.SC_METHOD_NOT_ALLOWED, "error", "name the realm: /admin/api/realms/<name>");
            return null;
        }
        return name;
    }

    /** The realm named by the path after {@code /admin/api/realms/}, or null. */
    private static String name(HttpServletRequest req) {
        String info = req.getPathInfo();
        return info == null || info.length() <= 1 ? null : info.substring(1);
    }

    private static String who(HttpServletRequest req) {
        return "admin user " + req.getRemoteUser() + " from " + req.getRemoteAddr();
    }

    private static void answer(HttpServletResponse res, HttpServletRequest req, int status, String field,
                               String message) throws IOException {
        REFUSED.log(() -> req.getMethod() + " " + req.getRequestURI() + " refused (" + status + ") for "
                + who(req) + ": " + message);
        res.setStatus(status);
        write(res, field, message, null);
    }

    private static void write(HttpServletResponse res, String field, String value, String outcome)
            throws IOException {
        res.setContentType("application/json");
        res.setCharacterEncoding("UTF-8");
        try (JsonGenerator g = JSON.createGenerator(res.getWriter())) {
            g.writeStartObject();
            g.writeStringField(field, value);
            if (outcome != null) {
                g.writeStringField("outcome", outcome);
            }
            g.writeEndObject();
        }
    }
}
