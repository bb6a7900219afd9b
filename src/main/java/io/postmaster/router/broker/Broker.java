package io.postmaster.router.broker;

import io.postmaster.message.ErrorUris;
import io.postmaster.message.Ids;
import io.postmaster.message.MessageType;
import io.postmaster.message.Uris;
import io.postmaster.message.WampMessage;
import io.postmaster.message.WampMessage.Event;
import io.postmaster.message.WampMessage.Publish;
import io.postmaster.message.WampMessage.Published;
import io.postmaster.message.WampMessage.Subscribe;
import io.postmaster.message.WampMessage.Subscribed;
import io.postmaster.message.WampMessage.Unsubscribe;
import io.postmaster.message.WampMessage.Unsubscribed;
import io.postmaster.router.Realm;
import io.postmaster.router.Session;
import io.postmaster.router.match.MatchPolicy;
import io.postmaster.router.match.UriTable;
import io.postmaster.serialization.Outgoing;
import io.postmaster.spi.Action;

import java.util.Map;

/**
 * The WAMP Broker: SUBSCRIBE, UNSUBSCRIBE, PUBLISH → EVENT. Holds no state of its own: it works on the tables of
 * the session's realm, so one instance serves every realm. See the package doc for the concurrency rules.
 */
public final class Broker {

    /** The broker features announced in WELCOME: only those that work. */
    public Map<String, Object> features() {
        return Map.of("publisher_exclusion", true);
    }

    public void subscribe(Session s, Subscribe m) {
        Realm realm = s.realm();
        MatchPolicy policy = MatchPolicy.of(m.options().get("match"));
        if (policy == null || !UriTable.supports(policy)) {
            s.sendError(MessageType.SUBSCRIBE, m.request(), ErrorUris.INVALID_ARGUMENT,
                    "match policy not supported: " + m.options().get("match"));
            return;
        }
        if (!Uris.valid(m.topic(), realm.uriRule())) {
            s.sendError(MessageType.SUBSCRIBE, m.request(), ErrorUris.INVALID_URI, "invalid topic URI");
            return;
        }
        String denied = s.realm().router().authorization().check(s, Action.SUBSCRIBE, m.topic()); // issue 4
        if (denied != null) {
            s.sendError(MessageType.SUBSCRIBE, m.request(), denied, null);
            return;
        }
        UriTable<Subscription> topics = realm.topics();
        synchronized (topics) {
            Subscription sub = topics.getOrCreate(m.topic(), policy, () -> {
                Subscription created = new Subscription(newId(realm), m.topic(), policy);
                realm.subscriptionsById().put(created.id(), created);
                return created;
            });
            // Under the subscription's monitor, which delivery holds too: no EVENT of it can be queued between
            // joining the set and SUBSCRIBED, and every publication after SUBSCRIBED finds the session in the set.
            synchronized (sub) {
                sub.subscribers.add(s);
                s.send(new Subscribed(m.request(), sub.id()));
            }
            s.subscriptions().put(sub.id(), sub);
        }
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
        if (!Uris.valid(m.topic(), realm.uriRule()) || Uris.reserved(m.topic())) {
            // Per the spec, a publisher hears of a failed publication only when it asked for acknowledgement.
            if (acknowledge) {
                s.sendError(MessageType.PUBLISH, m.request(), ErrorUris.INVALID_URI,
                        Uris.reserved(m.topic()) ? "the wamp. namespace is reserved" : "invalid topic URI");
            }
            return;
        }
        String denied = s.realm().router().authorization().check(s, Action.PUBLISH, m.topic()); // issue 4
        if (denied != null) {
            if (acknowledge) { // as for a bad URI: the publisher hears of it only when it asked
                s.sendError(MessageType.PUBLISH, m.request(), denied, null);
            }
            return;
        }
        if (realm.router().interception().publish(s, m, this::route)) { // issue 4: interceptors see it first
            return;
        }
        route(s, m);
    }

    /** Delivers a checked publication to the matching subscriptions. */
    private void route(Session s, Publish m) {
        Realm realm = s.realm();
        Map<String, Object> options = m.options();
        boolean acknowledge = Boolean.TRUE.equals(options.get("acknowledge"));
        boolean excludeMe = !Boolean.FALSE.equals(options.get("exclude_me"));
        long publication = Ids.random();
        realm.topics().forEachMatch(m.topic(), sub -> deliver(sub, excludeMe ? s : null, publication, m));
        if (acknowledge) {
            s.send(new Published(m.request(), publication));
        }
    }

    private static void deliver(Subscription sub, Session excluded, long publication, Publish m) {
        Outgoing event = null; // built on first use: a subscription may hold only the publisher
        synchronized (sub) {
            for (Session subscriber : sub.subscribers) {
                if (subscriber == excluded) {
                    continue;
                }
                if (event == null) {
                    event = new Outgoing(new Event(sub.id(), publication, Map.of(), m.args(), m.kwargs()));
                }
                subscriber.send(event);
            }
        }
    }

    /** Removes everything a leaving session holds. */
    public void detach(Session s) {
        for (Subscription sub : s.subscriptions().values()) {
            remove(s, sub);
        }
    }

    private void remove(Session s, Subscription sub) {
        Realm realm = s.realm();
        UriTable<Subscription> topics = realm.topics();
        synchronized (topics) {
            s.subscriptions().remove(sub.id());
            boolean empty;
            synchronized (sub) {
                sub.subscribers.remove(s);
                empty = sub.subscribers.isEmpty();
            }
            if (empty && topics.remove(sub.topic(), sub.policy(), sub)) {
                realm.subscriptionsById().remove(sub.id());
            }
        }
    }

    private static long newId(Realm realm) {
        long id;
        do {
            id = Ids.random();
        } while (realm.subscriptionsById().containsKey(id));
        return id;
    }

}
