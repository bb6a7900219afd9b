package io.postmaster.router;

import io.postmaster.message.ErrorUris;
import io.postmaster.message.Ids;
import io.postmaster.message.MessageType;
import io.postmaster.message.Uris;
import io.postmaster.message.WampMessage.Event;
import io.postmaster.message.WampMessage.Publish;
import io.postmaster.message.WampMessage.Published;
import io.postmaster.message.WampMessage.Subscribe;
import io.postmaster.message.WampMessage.Subscribed;
import io.postmaster.message.WampMessage.Unsubscribe;
import io.postmaster.message.WampMessage.Unsubscribed;
import io.postmaster.logging.RateLimitedLog;
import io.postmaster.router.match.MatchPolicy;
import io.postmaster.router.match.UriTable;
import io.postmaster.serialization.Outgoing;
import io.postmaster.spi.Action;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The WAMP Broker: SUBSCRIBE, UNSUBSCRIBE, PUBLISH → EVENT, with the Advanced Profile's pattern-based subscriptions,
 * subscriber black/whitelisting, publisher exclusion and identification, and event retention. Holds no state of
 * its own: it works on the tables of the session's realm, so one instance serves every realm. See the package doc
 * for the concurrency rules.
 */
public final class Broker {
    private static final RateLimitedLog LIMIT_REACHED = new RateLimitedLog(Logger.getLogger(Broker.class.getName()),
            Level.INFO);
    /** Subscription meta events, published by the router. */
    public static final String ON_CREATE = "wamp.subscription.on_create";
    public static final String ON_SUBSCRIBE = "wamp.subscription.on_subscribe";
    public static final String ON_UNSUBSCRIBE = "wamp.subscription.on_unsubscribe";
    public static final String ON_DELETE = "wamp.subscription.on_delete";

    /** The broker features announced in WELCOME: only those that work. */
    public Map<String, Object> features() {
        Map<String, Object> f = new LinkedHashMap<>();
        f.put("publisher_exclusion", true);
        f.put("publisher_identification", true);
        f.put("subscriber_blackwhite_listing", true);
        f.put("pattern_based_subscription", true);
        f.put("event_retention", true);
        f.put("session_meta_api", true);
        f.put("subscription_meta_api", true);
        f.put("testament_meta_api", true);
        f.put("event_history", true);
        return f;
    }

    public void subscribe(Session s, Subscribe m) {
        Realm realm = s.realm();
        MatchPolicy policy = MatchPolicy.of(m.options().get("match"));
        if (policy == null) {
            s.sendError(MessageType.SUBSCRIBE, m.request(), ErrorUris.INVALID_ARGUMENT,
                    "unknown match policy: " + m.options().get("match"));
            return;
        }
        if (!policy.valid(m.topic(), realm.uriRule())) {
            s.sendError(MessageType.SUBSCRIBE, m.request(), ErrorUris.INVALID_URI, "invalid topic URI");
            return;
        }
        String denied = s.realm().router().authorization().check(s, Action.SUBSCRIBE, m.topic()).error();
        if (denied != null) {
            s.sendError(MessageType.SUBSCRIBE, m.request(), denied, null);
            return;
        }
        boolean getRetained = Boolean.TRUE.equals(m.options().get("get_retained"));
        UriTable<Subscription> topics = realm.topics();
        boolean created;
        Subscription sub;
        synchronized (topics) {
            Subscription existing = topics.get(m.topic(), policy);
            if ((existing == null || !s.subscriptions().containsKey(existing.id())) && !takeSlot(s, m)) {
                return;
            }
            sub = existing != null ? existing : topics.getOrCreate(m.topic(), policy, () -> {
                Subscription c = new Subscription(newId(realm), m.topic(), policy);
                realm.subscriptionsById().put(c.id(), c);
                return c;
            });
            created = existing == null;
            // Under the subscription's monitor, which delivery holds too: no EVENT of it can be queued between
            // joining the set and SUBSCRIBED, and every publication after SUBSCRIBED finds the session in the set.
            synchronized (sub) {
                sub.subscribers.add(s);
                s.send(new Subscribed(m.request(), sub.id()));
                if (getRetained) {
                    sendRetained(realm, sub, s);
                }
            }
            s.subscriptions().put(sub.id(), sub);
            // Meta events queued under the table's monitor, so they come out in the order the changes happened
            // (on_create before the on_subscribe of a second session), and published after letting go of it.
            if (created) {
                realm.metaEvents().add(ON_CREATE, List.of(s.id(), sub.details()));
            }
            realm.metaEvents().add(ON_SUBSCRIBE, List.of(s.id(), sub.id()));
        }
        realm.metaEvents().flush();
        if (s.closed()) {
            // The session was detached by another thread (killed, transport closed) while we subscribed it: the
            // detach set the flag before it cleaned up, so either it removed this subscription or we do.
            remove(s, sub);
        }
    }

    /**
     * Takes a subscription slot of the session and of its realm for a new subscription, or answers the SUBSCRIBE
     * with {@code postmaster.error.limit_reached} and returns false. Under the table's monitor; the slot is given
     * back by {@link #remove}.
     */
    private static boolean takeSlot(Session s, Subscribe m) {
        Realm realm = s.realm();
        int cap = realm.caps().subscriptions();
        String refused = s.subscriptions().size() >= cap
                ? "the session holds " + cap + " subscriptions (postmaster.max-subscriptions)"
                : !realm.subscriptionQuota().tryAcquire()
                ? "the realm holds " + realm.subscriptionQuota().cap() + " subscriptions"
                        + " (postmaster.realm-max-subscriptions)"
                : null;
        if (refused == null) {
            return true;
        }
        LIMIT_REACHED.log(() -> "SUBSCRIBE refused for " + s + ": " + refused);
        s.sendError(MessageType.SUBSCRIBE, m.request(), ErrorUris.LIMIT_REACHED, refused);
        return false;
    }

    public void unsubscribe(Session s, Unsubscribe m) {
        Subscription sub = s.subscriptions().get(m.subscription());
        if (sub == null) {
            s.sendError(MessageType.UNSUBSCRIBE, m.request(), ErrorUris.NO_SUCH_SUBSCRIPTION, null);
            return;
        }
        remove(s, sub);
        s.send(new Unsubscribed(m.request(), null));
    }

    public void publish(Session s, Publish m) {
        Realm realm = s.realm();
        Map<String, Object> options = m.options();
        boolean acknowledge = Boolean.TRUE.equals(options.get("acknowledge"));
        String problem = !Uris.valid(m.topic(), realm.uriRule()) ? "invalid topic URI"
                : Uris.reserved(m.topic()) ? "the wamp. namespace is reserved for the router" : null;
        String uri = ErrorUris.INVALID_URI;
        SubscriberFilter filter = null;
        if (problem == null) {
            try {
                filter = SubscriberFilter.of(options, s);
            } catch (IllegalArgumentException e) {
                problem = e.getMessage();
                uri = ErrorUris.INVALID_ARGUMENT;
            }
        }
        if (problem != null) {
            // Per the spec, a publisher hears of a failed publication only when it asked for acknowledgement.
            if (acknowledge) {
                s.sendError(MessageType.PUBLISH, m.request(), uri, problem);
            }
            return;
        }
        Authorization.Outcome auth = realm.router().authorization().check(s, Action.PUBLISH, m.topic());
        if (auth.error() != null) {
            if (acknowledge) { // as for a bad URI: the publisher hears of it only when it asked
                s.sendError(MessageType.PUBLISH, m.request(), auth.error(), null);
            }
            return;
        }
        if (auth.disclose()) { // the role's rule discloses publishers here
            m = new Publish(m.request(), auth.options(options), m.topic(), m.args(), m.kwargs());
        }
        if (realm.router().interception().publish(s, m, this::publishChecked)) { // interceptors first
            return;
        }
        publishChecked(s, m);
    }

    /** Routes a publication that passed the checks (and the interceptors, which may have replaced its payload). */
    private void publishChecked(Session s, Publish m) {
        Realm realm = s.realm();
        Map<String, Object> options = m.options();
        boolean acknowledge = Boolean.TRUE.equals(options.get("acknowledge"));
        SubscriberFilter filter = SubscriberFilter.of(options, s); // valid: checked in publish()
        Map<String, Object> details = Boolean.TRUE.equals(options.get("disclose_me")) ? publisherDetails(s) : Map.of();
        long publication = route(realm, m.topic(), details, m.args(), m.kwargs(), filter);
        if (Boolean.TRUE.equals(options.get("retain"))) {
            realm.retain(m.topic(), new Retained(publication, details, m.args(), m.kwargs()));
        }
        if (acknowledge) {
            s.send(new Published(m.request(), publication));
        }
    }

    /**
     * Publishes on behalf of the router (meta events, testaments, server-side code): no URI checks, no publisher
     * exclusion unless the filter says so.
     *
     * @return the publication ID
     */
    public long publishAsRouter(Realm realm, String topic, List<Object> args, Map<String, Object> kwargs,
                                Map<String, Object> details, SubscriberFilter filter) {
        return route(realm, topic, details, args, kwargs, filter);
    }

    private long route(Realm realm, String topic, Map<String, Object> details, List<Object> args,
                       Map<String, Object> kwargs, SubscriberFilter filter) {
        long publication = Ids.random();
        realm.topics().forEachMatch(topic, sub -> deliver(sub, filter, publication, topic, details, args, kwargs));
        EventHistory h = realm.history(topic);
        if (h != null) {
            h.record(topic, publication, details, args, kwargs);
        }
        return publication;
    }

    private static void deliver(Subscription sub, SubscriberFilter filter, long publication, String topic,
                                Map<String, Object> details, List<Object> args, Map<String, Object> kwargs) {
        Outgoing event = null; // built on first use: a subscription may hold only the publisher
        synchronized (sub) {
            for (Session subscriber : sub.subscribers) {
                if (filter != null && !filter.allows(subscriber)) {
                    continue;
                }
                if (event == null) {
                    event = new Outgoing(new Event(sub.id(), publication, eventDetails(sub, topic, details),
                            args, kwargs));
                }
                subscriber.send(event);
            }
        }
    }

    /** EVENT.Details: the publisher if disclosed, and for pattern subscriptions the concrete topic. */
    private static Map<String, Object> eventDetails(Subscription sub, String topic, Map<String, Object> details) {
        if (sub.policy() == MatchPolicy.EXACT) {
            return details;
        }
        Map<String, Object> d = new LinkedHashMap<>(details);
        d.put("topic", topic);
        return d;
    }

    /**
     * The retained events a new subscriber asked for: for an exact topic one lookup; for a pattern a scan of the
     * retained topics (at most {@code postmaster.retained-max} of them).
     */
    private static void sendRetained(Realm realm, Subscription sub, Session s) {
        if (sub.policy() == MatchPolicy.EXACT) {
            Retained r = realm.retained(sub.topic());
            if (r != null) {
                sendRetained(sub, s, sub.topic(), r);
            }
            return;
        }
        realm.forEachRetained((topic, r) -> {
            if (sub.policy().matches(sub.topic(), topic)) {
                sendRetained(sub, s, topic, r);
            }
        });
    }

    private static void sendRetained(Subscription sub, Session s, String topic, Retained r) {
        Map<String, Object> d = new LinkedHashMap<>(eventDetails(sub, topic, r.details()));
        d.put("retained", true);
        s.send(new Event(sub.id(), r.publication(), d, r.args(), r.kwargs()));
    }

    /** EVENT.Details that disclose the publisher: {@code publisher, publisher_authid, publisher_authrole}. */
    public static Map<String, Object> publisherDetails(Session s) {
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("publisher", s.id());
        d.put("publisher_authid", s.authid());
        d.put("publisher_authrole", s.authrole());
        return d;
    }

    /**
     * Removes everything a leaving session holds: one subscription at a time, each a short hold of the table's
     * monitor (O(URI length)), so other sessions' SUBSCRIBEs interleave and the whole costs O(the session's own
     * subscriptions).
     */
    public void detach(Session s) {
        for (Subscription sub : s.subscriptions().values()) {
            remove(s, sub);
        }
    }

    /**
     * Removes the session from the subscription and publishes on_unsubscribe (and on_delete when it was the last):
     * the change under the table's monitor like every change, the meta events after it. False if the session was
     * not (any longer) subscribed.
     */
    private boolean remove(Session s, Subscription sub) {
        Realm realm = s.realm();
        UriTable<Subscription> topics = realm.topics();
        synchronized (topics) {
            if (s.subscriptions().remove(sub.id()) == null) {
                return false;
            }
            realm.subscriptionQuota().release();
            boolean empty;
            synchronized (sub) {
                sub.subscribers.remove(s);
                empty = sub.subscribers.isEmpty();
            }
            realm.metaEvents().add(ON_UNSUBSCRIBE, List.of(s.id(), sub.id()));
            if (empty && topics.remove(sub.topic(), sub.policy(), sub)) {
                realm.subscriptionsById().remove(sub.id());
                realm.metaEvents().add(ON_DELETE, List.of(s.id(), sub.id()));
            }
        }
        realm.metaEvents().flush();
        return true;
    }

    /**
     * Publishes a meta event in its turn (see {@link MetaEvents}): after the events queued before it. Never call it
     * holding a table's monitor; changes made under one queue their events with {@link MetaEvents#add} instead.
     */
    public void publishMeta(Realm realm, String topic, List<Object> args) {
        realm.metaEvents().add(topic, args);
        realm.metaEvents().flush();
    }

    private static long newId(Realm realm) {
        long id;
        do {
            id = Ids.random();
        } while (realm.subscriptionsById().containsKey(id));
        return id;
    }
}
