package io.postmaster.bridge;

import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.container.AsyncResponse;
import jakarta.ws.rs.container.Suspended;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.SecurityContext;

import java.io.IOException;
import java.io.InputStream;
import java.security.Principal;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * {@code POST <context>/bridge/publish} and {@code POST <context>/bridge/call}: reads the body (at most
 * {@code postmaster.bridge.max-body-bytes}) and hands it to the {@link HttpBridge}; the answer is sent when the
 * router has given it, without holding the request thread meanwhile. See {@code docs/http-bridge.md}.
 */
@RequestScoped
@Path("")
public class BridgeResource {
    /** Beyond the call timeout, which the router enforces: only if the router failed to answer at all. */
    private static final long SAFETY_MARGIN_MS = 5_000;

    @Inject
    BridgeRuntime runtime;

    @POST
    @Path("publish")
    public void publish(InputStream body, @Context HttpServletRequest request, @Context SecurityContext security,
                        @Suspended AsyncResponse response) {
        serve(HttpBridge.Operation.PUBLISH, body, request, security, response);
    }

    @POST
    @Path("call")
    public void call(InputStream body, @Context HttpServletRequest request, @Context SecurityContext security,
                     @Suspended AsyncResponse response) {
        serve(HttpBridge.Operation.CALL, body, request, security, response);
    }

    private void serve(HttpBridge.Operation op, InputStream body, HttpServletRequest request,
                       SecurityContext security, AsyncResponse response) {
        HttpBridge bridge = runtime.bridge();
        Principal principal = security.getUserPrincipal();
        HttpBridge.Caller caller = new HttpBridge.Caller(principal == null ? null : principal.getName(),
                security::isUserInRole, request.getHeader("Authorization"), address(request), request.isSecure());
        String type = request.getContentType();
        if (type != null && !type.toLowerCase(Locale.ROOT).startsWith(MediaType.APPLICATION_JSON)) {
            response.resume(response(bridge.unsupportedType(caller)));
            return;
        }
        int max = bridge.config().maxBodyBytes();
        byte[] bytes;
        try {
            if (request.getContentLengthLong() > max) {
                response.resume(response(bridge.tooLarge(caller)));
                return;
            }
            bytes = body.readNBytes(max + 1);
        } catch (IOException e) {
            response.resume(Response.status(400).build()); // the client broke off the body
            return;
        }
        if (bytes.length > max) {
            response.resume(response(bridge.tooLarge(caller)));
            return;
        }
        response.setTimeout(bridge.config().callTimeout().toMillis() + SAFETY_MARGIN_MS, TimeUnit.MILLISECONDS);
        response.setTimeoutHandler(r -> r.resume(response(new HttpBridge.Reply(504,
                Map.of("error", "wamp.error.timeout", "args", java.util.List.of(), "kwargs", Map.of())))));
        bridge.handle(op, bytes, caller).whenComplete((reply, failure) -> response.resume(failure == null
                ? response(reply)
                : Response.status(500).type(MediaType.APPLICATION_JSON).entity(new HttpBridge.Reply(500,
                        Map.of("error", "wamp.error.runtime_error")).json()).build()));
    }

    private static Response response(HttpBridge.Reply reply) {
        Response.ResponseBuilder b = Response.status(reply.status()).type(MediaType.APPLICATION_JSON)
                .entity(reply.json());
        if (reply.status() == 401) {
            b.header("WWW-Authenticate", "Bearer realm=\"postmaster\"");
        } else if (reply.status() == 503) {
            b.header("Retry-After", "1");
        }
        return b.build();
    }

    /** {@code host:port} ({@code [v6]:port}), as the WebSocket endpoint reports peers. */
    private static String address(HttpServletRequest request) {
        String host = request.getRemoteAddr();
        return (host != null && host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + request.getRemotePort();
    }
}
