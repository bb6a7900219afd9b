package io.postmaster.endpoint;

import io.postmaster.inprocess.LocalClient;
import io.postmaster.spi.WampClient;
import io.postmaster.spi.WampSession;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.json.bind.Jsonb;
import jakarta.json.bind.JsonbBuilder;

import java.util.concurrent.CompletionStage;

/**
 * The {@link WampClient} application code injects: sessions of the router in its realms, with records and beans in
 * arguments converted with JSON-B. Every session it joined is ended when the application stops.
 */
@ApplicationScoped
public class ApplicationClient implements WampClient {

    @Inject
    PostmasterRuntime runtime;

    private LocalClient client;
    private Jsonb jsonb;

    /** The client itself, for Postmaster's own in-process users (the HTTP bridge): its sessions end with it. */
    public synchronized LocalClient client() {
        if (client == null) {
            client = new LocalClient(runtime.router(), runtime.executor(), v -> ServerProcedures.plain(jsonb(), v));
        }
        return client;
    }

    /** Made when first needed: plain values never need it. */
    private synchronized Jsonb jsonb() {
        if (jsonb == null) {
            jsonb = JsonbBuilder.create();
        }
        return jsonb;
    }

    @Override
    public CompletionStage<WampSession> join(String realm, String authid, String authrole) {
        return client().join(realm, authid, authrole);
    }

    /** Ends every session joined through this client (GOODBYE), at undeploy. */
    @PreDestroy
    synchronized void stop() {
        if (client != null) {
            client.close();
        }
    }
}
