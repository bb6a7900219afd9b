package io.postmaster.it;

import io.postmaster.message.WampMessage.Hello;
import io.postmaster.message.WampMessage.Welcome;
import io.postmaster.testing.WampTestClient;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/**
 * A client that makes resumable WAMP sessions and leaves them waiting, as many as it can: the session store that keeps
 * them (with webwire's sessions) is bounded ({@code postmaster.session-store.max-sessions}, 30 in the suite), so past
 * it a HELLO asking for a resumable session gets an ordinary one and is told ({@code resumable: false}, no token),
 * and the sessions kept are still resumable. Its own class: it fills the deployment's store.
 */
class HostileResumptionIT extends ContainerBase {
    /** postmaster.session-store.max-sessions of the suite's settings. */
    private static final int STORE_MAX = 30;

    @Deployment(testable = false)
    static WebArchive deployment() {
        return builtWar();
    }

    private Welcome resumable(WampTestClient c, Map<String, Object> extra) throws Exception {
        Map<String, Object> details = new HashMap<>(WampTestClient.ROLES);
        details.put("resumable", true);
        details.putAll(extra);
        c.send(new Hello("realm1", details));
        return c.next(Welcome.class);
    }

    @Test
    void resumableSessionsLeftWaitingAreBoundedByTheSessionStore() throws Exception {
        Welcome firstWelcome = null;
        for (int i = 0; i < STORE_MAX; i++) {
            try (WampTestClient c = WampTestClient.connect(ws(), "wamp.2.json")) {
                Welcome w = resumable(c, Map.of());
                assertEquals(true, w.details().get("resumable"), "session " + i + " is resumable");
                if (firstWelcome == null) {
                    firstWelcome = w;
                }
            } // left waiting for its client
        }
        try (WampTestClient over = WampTestClient.connect(ws(), "wamp.2.json")) {
            Welcome w = resumable(over, Map.of());
            assertEquals(false, w.details().get("resumable"), "past the store's bound: told it is not resumable");
            assertNull(w.details().get("resume_token"));
        }
        try (WampTestClient back = WampTestClient.connect(ws(), "wamp.2.json")) {
            Welcome w = resumable(back, Map.of("resume-session", firstWelcome.session(),
                    "resume-token", firstWelcome.details().get("resume_token")));
            assertEquals(true, w.details().get("resumed"), "a kept session is still resumable");
            assertEquals(firstWelcome.session(), w.session());
        }
    }
}
