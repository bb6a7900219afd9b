package io.postmaster.it;

import io.postmaster.message.ErrorUris;
import io.postmaster.message.MessageType;
import io.postmaster.message.WampMessage;
import io.postmaster.message.WampMessage.*;
import io.postmaster.testing.WampTestClient;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/**
 * A request whose handling fails the way it does at a full heap (an {@link OutOfMemoryError} thrown by an extension
 * bean, see {@link FailingExtensions}) ends in an answer or a close, never in silence, and the failure is logged at
 * WARNING; the session's later requests and other sessions are served as before.
 */
class HostileFailureIT extends ContainerBase {

    @Deployment(testable = false)
    static WebArchive deployment() {
        return builtWar().addClasses(FailingExtensions.class, FailingExtensions.FailingAuthorizer.class,
                FailingExtensions.FailingInterceptor.class);
    }

    @Test
    void aSubscribeWhoseHandlingFailsIsAnsweredOrClosedAndLogged() throws Exception {
        try (WampTestClient victim = join("realm1");
             WampTestClient bystander = join("realm1")) {
            victim.send(new Subscribe(1, Map.of(), FailingExtensions.PREFIX + "topic"));
            WampMessage answer = victim.poll(5_000);
            if (answer == null) {
                assertTrue(victim.closed(), "SUBSCRIBE got no answer and the connection stayed open");
                assertEquals(1011, victim.closeCode(), "closed as an internal error");
            } else {
                WampMessage.Error e = assertInstanceOf(WampMessage.Error.class, answer);
                assertEquals(MessageType.SUBSCRIBE.code(), e.requestType());
                assertEquals(1, e.request());
            }
            bystander.send(new Subscribe(1, Map.of(), "com.example.unaffected"));
            bystander.next(Subscribed.class);
            assertWarningLogged("SUBSCRIBE");
        }
    }

    @Test
    void aPublicationWhoseInterceptorFailsIsAnsweredAndTheSessionGoesOn() throws Exception {
        try (WampTestClient publisher = join("realm1")) {
            publisher.send(new Publish(1, Map.of("acknowledge", true), FailingExtensions.PREFIX + "topic",
                    List.of("x"), null));
            WampMessage answer = publisher.poll(5_000);
            assertNotNull(answer, "PUBLISH got no answer" + (publisher.closed() ? "; closed" : ""));
            WampMessage.Error e = assertInstanceOf(WampMessage.Error.class, answer);
            assertEquals(MessageType.PUBLISH.code(), e.requestType());
            assertEquals(1, e.request());
            assertEquals(ErrorUris.RUNTIME_ERROR, e.error());
            // the session's later publications are still intercepted and routed, in order
            publisher.send(new Publish(2, Map.of("acknowledge", true), "com.example.unaffected", List.of(), null));
            assertEquals(2, publisher.next(Published.class).request());
            assertWarningLogged("publication to " + FailingExtensions.PREFIX);
        }
    }

    /** WildFly's server log holds a WARNING line of Postmaster's naming {@code what}. Other servers: not checked. */
    private static void assertWarningLogged(String what) throws IOException {
        Path log = serverLog();
        if (log == null) {
            return;
        }
        assertTrue(countLines(log, l -> (l.contains(" WARN ") || l.contains(" WARNING "))
                        && l.contains("[io.postmaster.") && l.contains(what)) > 0,
                "a WARN line of io.postmaster naming " + what + " in " + log);
    }
}
