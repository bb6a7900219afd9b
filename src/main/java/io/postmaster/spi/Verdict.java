package io.postmaster.spi;

import java.util.List;
import java.util.Map;

/** What a {@link PublishInterceptor} or {@link CallInterceptor} decided about a message. */
public sealed interface Verdict {

    /** Route the message as it is. */
    record Pass() implements Verdict {
    }

    /** Route the message with this payload instead (null for none). */
    record Replace(List<Object> args, Map<String, Object> kwargs) implements Verdict {
    }

    /**
     * Do not route; answer the sender with ERROR {@code error} (for a PUBLISH only if it asked for acknowledgement,
     * as the spec says). {@code args}/{@code kwargs} go into the ERROR; null for none.
     */
    record Reject(String error, List<Object> args, Map<String, Object> kwargs) implements Verdict {
    }

    /**
     * Do not route, silently: a publication is dropped (an acknowledged one still gets PUBLISHED). A CALL must end,
     * so a dropped call is answered with ERROR {@code wamp.error.canceled}.
     */
    record Drop() implements Verdict {
    }

    static Verdict pass() { return new Pass(); }
    static Verdict replace(List<Object> args, Map<String, Object> kwargs) { return new Replace(args, kwargs); }
    static Verdict reject(String error) { return new Reject(error, null, null); }
    static Verdict drop() { return new Drop(); }
}
