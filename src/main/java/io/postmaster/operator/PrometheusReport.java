package io.postmaster.operator;

import io.postmaster.message.MessageType;
import io.postmaster.metrics.Exposition;
import io.postmaster.metrics.Metrics;
import io.postmaster.router.Realm;
import io.postmaster.router.Router;

import java.util.Locale;

/**
 * The router's metrics as Prometheus text: one family per fact, {@code wamp_} first, counters ending in
 * {@code _total}. Labels come from fixed sets (realms from the configuration, message types, serializers, close
 * reasons, authentication methods, the spec's and the router's error URIs), never from what a client sends; a
 * family's zero samples are left out except where a zero says something (per realm).
 */
public final class PrometheusReport {
    private PrometheusReport() {
    }

    /**
     * Renders everything.
     *
     * @param version the build's version, for {@code postmaster_build_info}
     */
    public static String render(Router router, ExecutorStats executor, String version) {
        Metrics m = router.metrics();
        Exposition x = new Exposition();
        x.family("postmaster_build_info", "gauge", "The router's build; the value is always 1.")
                .sample("postmaster_build_info", 1, "version", version, "java", System.getProperty("java.version"));
        x.family("postmaster_start_time_seconds", "gauge", "When the router started, in seconds since the epoch.")
                .sample("postmaster_start_time_seconds", m.startedMillis() / 1000.0);
        x.family("postmaster_draining", "gauge", "1 while the router drains (no new sessions or calls), else 0.")
                .sample("postmaster_draining", router.draining() ? 1 : 0);
        x.family("postmaster_connections", "gauge", "Open transports, with or without a session.")
                .sample("postmaster_connections", router.connectionCount());

        perRealm(router, x);

        x.family("wamp_sessions_opened_total", "counter", "Sessions that joined a realm.")
                .sample("wamp_sessions_opened_total", m.sessionsOpened());
        x.family("wamp_sessions_closed_total", "counter", "Sessions that ended, by why they ended.");
        for (Metrics.Close c : Metrics.Close.values()) {
            x.sample("wamp_sessions_closed_total", m.sessionsClosed(c), "reason", c.label());
        }

        traffic(m, x);

        x.family("wamp_errors_sent_total", "counter",
                "ERROR messages sent, by error URI (an application's own URI counts as other).");
        for (int i = 0; i < Metrics.ERROR_URIS.size(); i++) {
            long n = m.errors(i);
            if (n > 0) {
                x.sample("wamp_errors_sent_total", n, "error", Metrics.ERROR_URIS.get(i));
            }
        }
        x.family("wamp_protocol_violations_total", "counter",
                "Sessions or connections ended with ABORT wamp.error.protocol_violation.")
                .sample("wamp_protocol_violations_total", m.protocolViolations());
        x.family("wamp_auth_failures_total", "counter", "Refused logins, by the authentication method tried.");
        for (int i = 0; i < Metrics.AUTH_METHODS.size(); i++) {
            x.sample("wamp_auth_failures_total", m.authFailures(i), "authmethod", Metrics.AUTH_METHODS.get(i));
        }
        x.family("wamp_slow_consumer_closes_total", "counter",
                "Connections closed because they could not keep up with what was sent to them.")
                .sample("wamp_slow_consumer_closes_total", m.slowConsumerCloses());

        Router.QueueDepth depth = router.outboundQueueDepth();
        x.family("wamp_outbound_queue_max", "gauge", "The longest outbound queue of any connection, in messages.")
                .sample("wamp_outbound_queue_max", depth.max());
        x.family("wamp_outbound_queue_sum", "gauge", "Messages waiting in all outbound queues together.")
                .sample("wamp_outbound_queue_sum", depth.sum());

        x.family("postmaster_executor_queue", "gauge", "Tasks of application code waiting for the executor.")
                .sample("postmaster_executor_queue", executor.queued());
        x.family("postmaster_executor_queue_capacity", "gauge",
                "Tasks that may wait for the executor (postmaster.executor-queue).")
                .sample("postmaster_executor_queue_capacity", executor.capacity());
        x.family("postmaster_executor_active", "gauge", "Executor threads running application code.")
                .sample("postmaster_executor_active", executor.active());
        x.family("postmaster_executor_rejections_total", "counter",
                "Tasks refused because the executor's queue was full.")
                .sample("postmaster_executor_rejections_total", executor.rejections());
        return x.text();
    }

    private static void perRealm(Router router, Exposition x) {
        x.family("wamp_sessions", "gauge", "Sessions joined, per realm.");
        for (Realm r : router.realms()) {
            x.sample("wamp_sessions", r.sessionCount(), "realm", r.name());
        }
        x.family("wamp_subscriptions", "gauge",
                "Subscriptions held by sessions (one per session and topic), per realm.");
        for (Realm r : router.realms()) {
            x.sample("wamp_subscriptions", r.subscriptionCount(), "realm", r.name());
        }
        x.family("wamp_registrations", "gauge", "Registrations held by sessions, per realm.");
        for (Realm r : router.realms()) {
            x.sample("wamp_registrations", r.registrationCount(), "realm", r.name());
        }
        x.family("wamp_calls_in_flight", "gauge", "Calls routed to a callee and not yet answered, per realm.");
        for (Realm r : router.realms()) {
            x.sample("wamp_calls_in_flight", r.callsInFlight(), "realm", r.name());
        }
        x.family("wamp_publications_total", "counter", "Publications routed (meta events included), per realm.");
        for (Realm r : router.realms()) {
            x.sample("wamp_publications_total", r.publications(), "realm", r.name());
        }
        x.family("wamp_deliveries_total", "counter", "EVENTs queued for subscribers, per realm.");
        for (Realm r : router.realms()) {
            x.sample("wamp_deliveries_total", r.deliveries(), "realm", r.name());
        }
        x.family("wamp_call_duration_seconds", "histogram",
                "From CALL to its end (RESULT, ERROR, cancel or timeout), per realm.");
        for (Realm r : router.realms()) {
            x.histogram("wamp_call_duration_seconds", r.callDurations(), "realm", r.name());
        }
    }

    private static void traffic(Metrics m, Exposition x) {
        MessageType[] types = Metrics.types();
        String[][] families = {
                {"wamp_messages_received_total", "Messages received, by serializer and message type."},
                {"wamp_bytes_received_total",
                        "Bytes received (a text frame's length in UTF-16 units), by serializer and message type."},
                {"wamp_messages_sent_total", "Messages queued for sending, by serializer and message type."},
                {"wamp_bytes_sent_total",
                        "Bytes queued for sending (a text frame's length in UTF-16 units), by serializer and type."}};
        for (int f = 0; f < families.length; f++) {
            x.family(families[f][0], "counter", families[f][1]);
            for (int s = 0; s < Metrics.SERIALIZERS.size(); s++) {
                for (MessageType t : types) {
                    long n = switch (f) {
                        case 0 -> m.messagesIn(s, t);
                        case 1 -> m.bytesIn(s, t);
                        case 2 -> m.messagesOut(s, t);
                        default -> m.bytesOut(s, t);
                    };
                    if (n > 0) {
                        x.sample(families[f][0], n, "serializer", Metrics.SERIALIZERS.get(s),
                                "type", t.name().toLowerCase(Locale.ROOT));
                    }
                }
            }
        }
    }
}
