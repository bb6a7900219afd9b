package io.postmaster.it;

import io.postmaster.message.ErrorUris;
import io.postmaster.message.MessageType;
import io.postmaster.message.WampMessage;
import io.postmaster.message.WampMessage.*;
import io.postmaster.testing.WampTestClient;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;

import java.net.URL;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Where the spec says MUST, over a real socket against the deployed WAR, with raw messages (the client libraries at
 * hand cannot send what these need: progressive CALLs, get_retained with black/whitelists, get_events' keywords):
 * retained events only for subscribers that were eligible, progressive call invocations refused for a callee without
 * them and late chunks discarded, {@code wamp.subscription.get_events} with the spec's arguments and shape.
 */
class HostileSpecIT extends ContainerBase {
    private static final Map<String, Object> STREAMING = Map.of("roles", Map.of(
            "caller", Map.of("features", Map.of("progressive_call_invocations", true)),
            "callee", Map.of("features", Map.of("progressive_call_invocations", true, "call_canceling", true)),
            "publisher", Map.of(), "subscriber", Map.of()));

    @Deployment(testable = false)
    static WebArchive deployment() {
        return builtWar();
    }


    private WampTestClient join(Map<String, Object> roles) throws Exception {
        WampTestClient c = WampTestClient.connect(ws(), "wamp.2.json");
        c.send(new Hello("realm1", roles));
        c.next(Welcome.class);
        return c;
    }

    @Test
    void aRetainedEventGoesOnlyToWhoWasEligible() throws Exception {
        try (WampTestClient pub = join(WampTestClient.ROLES)) {
            pub.send(new Publish(1, Map.of("retain", true, "eligible", List.of(1L)), "com.spec.retained.secret",
                    List.of("for session 1 only"), null));
            pub.send(new Publish(2, Map.of("retain", true, "exclude_authrole", List.of("anonymous")),
                    "com.spec.retained.staff", List.of("not for anonymous"), null));
            pub.send(new Publish(3, Map.of("retain", true, "acknowledge", true), "com.spec.retained.all",
                    List.of("everyone"), null));
            pub.next(Published.class);
            try (WampTestClient late = join(WampTestClient.ROLES)) {
                late.send(new Subscribe(4, Map.of("get_retained", true, "match", "prefix"), "com.spec.retained."));
                late.next(Subscribed.class);
                assertEquals(List.of("everyone"), late.next(Event.class).args());
                assertNull(late.poll(200), "no retained event it was not eligible for");
            }
        }
    }

    @Test
    void progressiveInvocationsNeedACalleeThatSupportsThemAndLateChunksAreDiscarded() throws Exception {
        try (WampTestClient plain = join(WampTestClient.ROLES);
             WampTestClient streaming = join(STREAMING);
             WampTestClient caller = join(STREAMING)) {
            plain.send(new Register(1, Map.of(), "com.spec.plain_upload"));
            plain.next(Registered.class);
            streaming.send(new Register(1, Map.of(), "com.spec.upload"));
            streaming.next(Registered.class);
            caller.send(new Call(1, Map.of("progress", true), "com.spec.plain_upload", List.of("a"), null));
            WampMessage.Error e = caller.next(WampMessage.Error.class);
            assertEquals(ErrorUris.FEATURE_NOT_SUPPORTED, e.error());
            assertNull(plain.poll(100), "the callee that does not support them gets nothing");

            caller.send(new Call(2, Map.of("progress", true), "com.spec.upload", List.of("a"), null));
            Invocation inv = streaming.next(Invocation.class);
            streaming.send(new WampMessage.Error(MessageType.INVOCATION.code(), inv.request(), Map.of(),
                    "com.app.too_big", null, null));
            assertEquals("com.app.too_big", caller.next(WampMessage.Error.class).error());
            caller.send(new Call(2, Map.of("progress", true), "com.spec.upload", List.of("b"), null));
            caller.send(new Call(2, Map.of(), "com.spec.upload", List.of("c"), null));
            caller.send(new Call(3, Map.of(), "com.spec.upload", List.of("new"), null));
            assertEquals(List.of("new"), streaming.next(Invocation.class).args(),
                    "the late chunks of call 2 were discarded, call 3 went through");
        }
    }

    @Test
    @SuppressWarnings("unchecked")
    void getEventsTakesTheSpecsArgumentsAndAnswersItsShape() throws Exception {
        try (WampTestClient pub = join(WampTestClient.ROLES);
             WampTestClient reader = join(WampTestClient.ROLES)) {
            reader.send(new Subscribe(1, Map.of(), "com.spec.history"));
            long sub = reader.next(Subscribed.class).subscription();
            long[] ids = new long[3];
            for (int i = 0; i < 3; i++) {
                pub.send(new Publish(i + 1, Map.of("acknowledge", true), "com.spec.history", List.of((long) i), null));
                ids[i] = pub.next(Published.class).publication();
                reader.next(Event.class);
            }
            reader.send(new Call(2, Map.of(), "wamp.subscription.get_events", List.of(sub),
                    Map.of("limit", 2L, "reverse", true)));
            List<Map<String, Object>> events = (List<Map<String, Object>>) reader.next(Result.class).args().get(0);
            assertEquals(List.of(ids[2], ids[1]), events.stream().map(x -> x.get("publication")).toList());
            assertEquals(Set.of("timestamp", "subscription", "publication", "details", "args", "kwargs"),
                    new HashSet<>(events.get(0).keySet()));
            assertEquals(sub, events.get(0).get("subscription"));
            reader.send(new Call(3, Map.of(), "wamp.subscription.get_events", List.of(sub),
                    Map.of("after_publication", ids[0])));
            events = (List<Map<String, Object>>) reader.next(Result.class).args().get(0);
            assertEquals(List.of(ids[1], ids[2]), events.stream().map(x -> x.get("publication")).toList());
        }
    }
}
