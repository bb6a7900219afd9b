package io.postmaster.router;

import io.postmaster.message.ErrorUris;
import io.postmaster.message.Ids;
import io.postmaster.message.MessageType;
import io.postmaster.message.WampMessage;
import io.postmaster.message.WampMessage.*;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/** The router driven through in-memory peers: session lifecycle, broker, dealer, bad input, cleanup. */
class RouterTest extends RouterFixture {

    @BeforeEach
    void start() {
        start(Map.of("postmaster.hello-timeout-ms", "300"));
    }

    void assertTablesEmpty() {
        assertTablesEmpty("realm1");
    }

    void assertAbort(TestPeer p, String reason, int closeCode) {
        Abort a = p.next(Abort.class);
        assertEquals(reason, a.reason());
        assertEquals(closeCode, p.closeCode);
    }

    // ------------------------------------------------------------------------------------------ sessions

    @Test
    void welcomeAnnouncesRolesAndIdentity() {
        TestPeer p = TestPeer.connect(router, "a");
        p.in(new Hello("realm1", Map.of("roles", Map.of("caller", Map.of()), "authid", "joe")));
        Welcome w = p.next(Welcome.class);
        assertTrue(Ids.valid(w.session()));
        assertTrue(w.details().get("authid") instanceof String id && !id.equals("joe"),
                "an anonymous session's authid is the router's, not the one HELLO claims: " + w.details());
        assertEquals("anonymous", w.details().get("authrole"));
        assertEquals("anonymous", w.details().get("authmethod"));
        Map<?, ?> roles = (Map<?, ?>) w.details().get("roles");
        assertEquals(List.of("broker", "dealer"), roles.keySet().stream().sorted().toList());
        assertEquals(1, realm().sessions().size());
        assertEquals(w.session(), realm().sessions().iterator().next().id());
    }

    @Test
    void noSuchRealm() {
        TestPeer p = TestPeer.connect(router, "a");
        p.in(new Hello("realm2", ROLES));
        assertAbort(p, ErrorUris.NO_SUCH_REALM, 1000);
        assertTablesEmpty();
    }

    @Test
    void helloWithoutRolesIsAProtocolViolation() {
        TestPeer p = TestPeer.connect(router, "a");
        p.in(new Hello("realm1", Map.of()));
        assertAbort(p, ErrorUris.PROTOCOL_VIOLATION, 1002);
    }

    @Test
    void offeringOnlyUnavailableAuthMethodsIsRefused() {
        TestPeer p = TestPeer.connect(router, "a");
        p.in(new Hello("realm1", Map.of("roles", Map.of("caller", Map.of()), "authmethods", List.of("ticket"))));
        assertAbort(p, ErrorUris.NO_AUTH_METHOD, 1000);
        assertTablesEmpty();
    }

    @Test
    void goodbyeIsAnsweredAndTheTransportCanCarryANewSession() {
        TestPeer p = join("a");
        p.in(new Subscribe(1, Map.of(), "com.t"));
        p.next(Subscribed.class);
        p.in(new Goodbye(Map.of(), ErrorUris.CLOSE_NORMAL));
        assertEquals(ErrorUris.GOODBYE_AND_OUT, p.next(Goodbye.class).reason());
        assertEquals(0, p.closeCode, "the transport stays open after GOODBYE");
        assertTablesEmpty();
        p.in(new Hello("realm1", ROLES));
        p.next(Welcome.class);
        assertEquals(1, realm().sessions().size());
    }

    @Test
    void helloTimeoutClosesSilentConnections() throws Exception {
        TestPeer p = TestPeer.connect(router, "silent");
        await(() -> p.closeCode != 0, "the silent connection is closed");
        assertEquals(1008, p.closeCode);
        TestPeer q = join("prompt");
        // A connection opened after q joined times out after q's own HELLO deadline (one timer thread, same delay):
        TestPeer later = TestPeer.connect(router, "later");
        await(() -> later.closeCode != 0, "a connection opened later is timed out");
        assertEquals(0, q.closeCode, "a joined session is not timed out");
    }

    @Test
    void shutdownSaysGoodbyeToEverySession() {
        TestPeer a = join("a");
        TestPeer b = join("b");
        router.close();
        assertEquals(ErrorUris.SYSTEM_SHUTDOWN, a.next(Goodbye.class).reason());
        assertEquals(ErrorUris.SYSTEM_SHUTDOWN, b.next(Goodbye.class).reason());
        assertEquals(1001, a.closeCode);
        assertTablesEmpty();
    }

    // ------------------------------------------------------------------------------------------ bad input

    @Test
    void messagesBeforeHelloAreProtocolViolations() {
        for (WampMessage m : List.of(new Subscribe(1, Map.of(), "com.t"), new Call(1, Map.of(), "com.p", null, null),
                new Goodbye(Map.of(), ErrorUris.CLOSE_NORMAL), new Yield(1, Map.of(), null, null))) {
            TestPeer p = TestPeer.connect(router, "early");
            p.in(m);
            assertAbort(p, ErrorUris.PROTOCOL_VIOLATION, 1002);
        }
    }

    @Test
    void aSecondHelloIsAProtocolViolationAndCleansUp() {
        TestPeer other = join("other");
        TestPeer p = join("a");
        p.in(new Subscribe(1, Map.of(), "com.t"));
        p.next(Subscribed.class);
        p.in(new Register(2, Map.of(), "com.p"));
        p.next(Registered.class);
        p.in(new Hello("realm1", ROLES));
        assertAbort(p, ErrorUris.PROTOCOL_VIOLATION, 1002);
        assertNull(subscription(realm(), "com.t"));
        assertNull(registration(realm(), "com.p"));
        assertEquals(1, realm().sessions().size());
        // the other session is unaffected
        other.in(new Subscribe(1, Map.of(), "com.t"));
        other.next(Subscribed.class);
        assertEquals(0, other.closeCode);
    }

    @Test
    void routerToClientMessagesFromAClientAreProtocolViolations() {
        for (WampMessage m : List.of(new Welcome(1, Map.of()), new Event(1, 2, Map.of(), null, null),
                new Result(1, Map.of(), null, null), new Invocation(1, 1, Map.of(), null, null),
                new Challenge("x", Map.of()), new Published(1, 1),
                new WampMessage.Error(MessageType.CALL.code(), 1, Map.of(), "com.e", null, null))) {
            TestPeer p = join("a");
            p.in(m);
            assertAbort(p, ErrorUris.PROTOCOL_VIOLATION, 1002);
        }
        assertTablesEmpty();
    }

    @Test
    void malformedFramesAreProtocolViolations() {
        TestPeer p = join("a");
        p.connection.onMalformed("undecodable wamp.2.json message");
        Abort a = p.next(Abort.class);
        assertEquals(ErrorUris.PROTOCOL_VIOLATION, a.reason());
        assertEquals("undecodable wamp.2.json message", a.details().get("message"));
        assertTablesEmpty();
    }

    @Test
    void yieldForAnInvocationNeverSentIsAProtocolViolation() {
        TestPeer p = join("a");
        p.in(new Yield(42, Map.of(), null, null));
        assertAbort(p, ErrorUris.PROTOCOL_VIOLATION, 1002);
        TestPeer q = join("b");
        q.in(new WampMessage.Error(MessageType.INVOCATION.code(), 7, Map.of(), "com.e", null, null));
        assertAbort(q, ErrorUris.PROTOCOL_VIOLATION, 1002);
    }

    @Test
    void badUrisGetInvalidUri() {
        TestPeer p = join("a");
        p.in(new Subscribe(1, Map.of(), "com..t"));
        assertError(p.next(), MessageType.SUBSCRIBE, 1, ErrorUris.INVALID_URI);
        p.in(new Register(2, Map.of(), "com.p "));
        assertError(p.next(), MessageType.REGISTER, 2, ErrorUris.INVALID_URI);
        p.in(new Call(3, Map.of(), "#com", null, null));
        assertError(p.next(), MessageType.CALL, 3, ErrorUris.INVALID_URI);
        p.in(new Publish(4, Map.of("acknowledge", true), "com.t.", null, null));
        assertError(p.next(), MessageType.PUBLISH, 4, ErrorUris.INVALID_URI);
        p.in(new Publish(5, Map.of(), "com.t.", null, null));
        p.in(new Register(6, Map.of(), "wamp.session.count"));
        assertError(p.next(), MessageType.REGISTER, 6, ErrorUris.INVALID_URI);
        p.nothingMore(50);
        assertEquals(0, p.closeCode);
    }

    static void assertError(WampMessage m, MessageType type, long request, String uri) {
        assertInstanceOf(WampMessage.Error.class, m);
        WampMessage.Error e = (WampMessage.Error) m;
        assertEquals(type.code(), e.requestType());
        assertEquals(request, e.request());
        assertEquals(uri, e.error());
    }

    // ------------------------------------------------------------------------------------------ broker

    @Test
    void subscribersShareOneSubscriptionAndGetEvents() {
        TestPeer a = join("a");
        TestPeer b = join("b");
        TestPeer pub = join("pub");
        a.in(new Subscribe(1, Map.of(), "com.t"));
        b.in(new Subscribe(7, Map.of(), "com.t"));
        long subA = a.next(Subscribed.class).subscription();
        assertEquals(subA, b.next(Subscribed.class).subscription());
        pub.in(new Publish(3, Map.of("acknowledge", true), "com.t", List.of(1L, "x"), Map.of("k", true)));
        long publication = pub.next(Published.class).publication();
        for (TestPeer s : List.of(a, b)) {
            Event e = s.next(Event.class);
            assertEquals(subA, e.subscription());
            assertEquals(publication, e.publication());
            assertEquals(List.of(1L, "x"), e.args());
            assertEquals(Map.of("k", true), e.kwargs());
        }
        pub.nothingMore(50);
    }

    @Test
    void publisherIsExcludedUnlessItAsksOtherwise() {
        TestPeer a = join("a");
        a.in(new Subscribe(1, Map.of(), "com.t"));
        a.next(Subscribed.class);
        a.in(new Publish(2, Map.of(), "com.t", List.of(1L), null));
        a.nothingMore(50);
        a.in(new Publish(3, Map.of("exclude_me", false), "com.t", List.of(2L), null));
        assertEquals(List.of(2L), a.next(Event.class).args());
    }

    @Test
    void unsubscribe() {
        TestPeer a = join("a");
        TestPeer pub = join("pub");
        a.in(new Subscribe(1, Map.of(), "com.t"));
        long sub = a.next(Subscribed.class).subscription();
        a.in(new Unsubscribe(2, sub));
        assertEquals(2, a.next(Unsubscribed.class).request());
        assertTrue(noSubscriptions(realm()));
        pub.in(new Publish(3, Map.of(), "com.t", List.of(1L), null));
        a.nothingMore(50);
        a.in(new Unsubscribe(4, sub));
        assertError(a.next(), MessageType.UNSUBSCRIBE, 4, ErrorUris.NO_SUCH_SUBSCRIPTION);
    }

    @Test
    void disconnectRemovesSubscriptions() {
        TestPeer a = join("a");
        TestPeer b = join("b");
        a.in(new Subscribe(1, Map.of(), "com.t"));
        b.in(new Subscribe(1, Map.of(), "com.t"));
        a.next(Subscribed.class);
        b.next(Subscribed.class);
        a.connection.onTransportClosed();
        assertEquals(1, subscription(realm(), "com.t").subscribers().size());
        b.connection.onTransportClosed();
        assertTablesEmpty();
    }

    @Test
    void unsupportedMatchPolicyIsRefused() {
        TestPeer a = join("a");
        a.in(new Subscribe(1, Map.of("match", "fuzzy"), "com.t"));
        assertError(a.next(), MessageType.SUBSCRIBE, 1, ErrorUris.INVALID_ARGUMENT);
        assertTrue(noSubscriptions(realm()));
    }

    // ------------------------------------------------------------------------------------------ dealer

    @Test
    void callInvocationYieldResult() {
        TestPeer callee = join("callee");
        TestPeer caller = join("caller");
        callee.in(new Register(1, Map.of(), "com.add"));
        long reg = callee.next(Registered.class).registration();
        caller.in(new Call(5, Map.of(), "com.add", List.of(2L, 3L), Map.of("x", "y")));
        Invocation inv = callee.next(Invocation.class);
        assertEquals(reg, inv.registration());
        assertEquals(1, inv.request(), "router-issued request IDs count from 1 per session");
        assertEquals(List.of(2L, 3L), inv.args());
        assertEquals(Map.of("x", "y"), inv.kwargs());
        callee.in(new Yield(inv.request(), Map.of(), List.of(5L), Map.of("z", 1L)));
        Result r = caller.next(Result.class);
        assertEquals(5, r.request());
        assertEquals(List.of(5L), r.args());
        assertEquals(Map.of("z", 1L), r.kwargs());
        assertTrue(noInvocationsOf(callee));
        assertTrue(noCallsOf(caller));
    }

    @Test
    void calleeErrorsReachTheCallerWithArguments() {
        TestPeer callee = join("callee");
        TestPeer caller = join("caller");
        callee.in(new Register(1, Map.of(), "com.fail"));
        callee.next(Registered.class);
        caller.in(new Call(9, Map.of(), "com.fail", null, null));
        Invocation inv = callee.next(Invocation.class);
        callee.in(new WampMessage.Error(MessageType.INVOCATION.code(), inv.request(), Map.of(), "com.err.bad",
                List.of("x", 1L), Map.of("k", "v")));
        WampMessage.Error e = caller.next(WampMessage.Error.class);
        assertError(e, MessageType.CALL, 9, "com.err.bad");
        assertEquals(List.of("x", 1L), e.args());
        assertEquals(Map.of("k", "v"), e.kwargs());
    }

    @Test
    void registrationErrors() {
        TestPeer a = join("a");
        TestPeer b = join("b");
        a.in(new Register(1, Map.of(), "com.p"));
        long reg = a.next(Registered.class).registration();
        b.in(new Register(2, Map.of(), "com.p"));
        assertError(b.next(), MessageType.REGISTER, 2, ErrorUris.PROCEDURE_ALREADY_EXISTS);
        b.in(new Unregister(3, reg));
        assertError(b.next(), MessageType.UNREGISTER, 3, ErrorUris.NO_SUCH_REGISTRATION);
        b.in(new Call(4, Map.of(), "com.none", null, null));
        assertError(b.next(), MessageType.CALL, 4, ErrorUris.NO_SUCH_PROCEDURE);
        a.in(new Unregister(5, reg));
        assertEquals(5, a.next(Unregistered.class).request());
        b.in(new Call(6, Map.of(), "com.p", null, null));
        assertError(b.next(), MessageType.CALL, 6, ErrorUris.NO_SUCH_PROCEDURE);
        a.in(new Register(7, Map.of("invoke", "sometimes"), "com.q"));
        assertError(a.next(), MessageType.REGISTER, 7, ErrorUris.INVALID_ARGUMENT);
    }

    @Test
    void whenTheCalleeLeavesEveryPendingCallerGetsCanceled() {
        TestPeer callee = join("callee");
        TestPeer caller1 = join("caller1");
        TestPeer caller2 = join("caller2");
        callee.in(new Register(1, Map.of(), "com.slow"));
        callee.next(Registered.class);
        caller1.in(new Call(1, Map.of(), "com.slow", null, null));
        caller1.in(new Call(2, Map.of(), "com.slow", null, null));
        caller2.in(new Call(1, Map.of(), "com.slow", null, null));
        Invocation first = callee.next(Invocation.class);
        callee.next(Invocation.class);
        callee.next(Invocation.class);
        callee.connection.onTransportClosed();
        assertError(caller1.next(), MessageType.CALL, 1, ErrorUris.CANCELED);
        assertError(caller1.next(), MessageType.CALL, 2, ErrorUris.CANCELED);
        assertError(caller2.next(), MessageType.CALL, 1, ErrorUris.CANCELED);
        caller1.nothingMore(50);
        assertTrue(noRegistrations(realm()));
        assertTrue(noCallsOf(caller1));
        caller1.in(new Call(3, Map.of(), "com.slow", null, null));
        assertError(caller1.next(), MessageType.CALL, 3, ErrorUris.NO_SUCH_PROCEDURE);
        assertNotNull(first);
    }

    @Test
    void aLateYieldAfterTheCallerLeftIsIgnored() {
        TestPeer callee = join("callee");
        TestPeer caller = join("caller");
        callee.in(new Register(1, Map.of(), "com.p"));
        callee.next(Registered.class);
        caller.in(new Call(1, Map.of(), "com.p", null, null));
        Invocation inv = callee.next(Invocation.class);
        caller.connection.onTransportClosed();
        assertTrue(noInvocationsOf(callee), "the caller's departure forgets the call");
        callee.in(new Yield(inv.request(), Map.of(), List.of(1L), null));
        callee.in(new WampMessage.Error(MessageType.INVOCATION.code(), inv.request(), Map.of(), "com.e", null, null));
        callee.nothingMore(50);
        assertEquals(0, callee.closeCode, "a late reply is not a protocol violation");
    }

    @Test
    void progressiveResultsArriveInOrderBeforeTheFinalOne() {
        TestPeer callee = join("callee");
        TestPeer caller = join("caller");
        callee.in(new Register(1, Map.of(), "com.p"));
        callee.next(Registered.class);
        caller.in(new Call(1, Map.of("receive_progress", true), "com.p", null, null));
        Invocation inv = callee.next(Invocation.class);
        for (long i = 0; i < 5; i++) {
            callee.in(new Yield(inv.request(), Map.of("progress", true), List.of(i), null));
        }
        callee.in(new Yield(inv.request(), Map.of(), List.of("done"), null));
        for (long i = 0; i < 5; i++) {
            Result r = caller.next(Result.class);
            assertEquals(Boolean.TRUE, r.details().get("progress"));
            assertEquals(List.of(i), r.args());
        }
        Result last = caller.next(Result.class);
        assertNull(last.details().get("progress"));
        assertEquals(List.of("done"), last.args());
    }

    @Test
    void aReusedPendingCallIdIsAProtocolViolation() {
        TestPeer callee = join("callee");
        TestPeer caller = join("caller");
        callee.in(new Register(1, Map.of(), "com.p"));
        callee.next(Registered.class);
        caller.in(new Call(1, Map.of(), "com.p", null, null));
        caller.in(new Call(1, Map.of(), "com.p", null, null));
        assertAbort(caller, ErrorUris.PROTOCOL_VIOLATION, 1002);
        callee.next(Invocation.class);
        callee.nothingMore(50);
        assertTrue(noInvocationsOf(callee));
    }

    @Test
    void everythingIsCleanedUpAfterAllLeave() {
        List<TestPeer> peers = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            TestPeer p = join("p" + i);
            p.in(new Subscribe(1, Map.of(), "com.t" + (i % 2)));
            p.in(new Register(2, Map.of(), "com.p" + i));
            peers.add(p);
        }
        peers.get(0).in(new Call(3, Map.of(), "com.p1", null, null));
        peers.forEach(p -> p.connection.onTransportClosed());
        assertTablesEmpty();
    }
}
