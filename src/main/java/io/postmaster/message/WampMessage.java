package io.postmaster.message;

import java.util.List;
import java.util.Map;

/**
 * A WAMP v2 message. One record per message type, fields in wire order; the wire form is in each record's doc.
 *
 * <p>Values in dictionaries and payloads are plain Java: {@code null}, {@link Boolean}, {@link Long} (or
 * {@link java.math.BigInteger} beyond 64 bits), {@link Double}, {@link String}, {@code byte[]}, {@link List} and
 * {@link Map} with {@link String} keys. Records do not copy their maps and lists: whoever builds one hands it over
 * and no one changes it afterwards. {@code args} and {@code kwargs} are {@code null} when absent on the wire.
 */
public sealed interface WampMessage {

    /** The message's type code. */
    MessageType type();

    /** {@code [HELLO, Realm|uri, Details|dict]} */
    record Hello(String realm, Map<String, Object> details) implements WampMessage {
        public MessageType type() { return MessageType.HELLO; }
    }

    /** {@code [WELCOME, Session|id, Details|dict]} */
    record Welcome(long session, Map<String, Object> details) implements WampMessage {
        public MessageType type() { return MessageType.WELCOME; }
    }

    /** {@code [ABORT, Details|dict, Reason|uri]} */
    record Abort(Map<String, Object> details, String reason) implements WampMessage {
        public MessageType type() { return MessageType.ABORT; }
    }

    /** {@code [CHALLENGE, AuthMethod|string, Extra|dict]} */
    record Challenge(String authMethod, Map<String, Object> extra) implements WampMessage {
        public MessageType type() { return MessageType.CHALLENGE; }
    }

    /** {@code [AUTHENTICATE, Signature|string, Extra|dict]} */
    record Authenticate(String signature, Map<String, Object> extra) implements WampMessage {
        public MessageType type() { return MessageType.AUTHENTICATE; }
    }

    /** {@code [GOODBYE, Details|dict, Reason|uri]} */
    record Goodbye(Map<String, Object> details, String reason) implements WampMessage {
        public MessageType type() { return MessageType.GOODBYE; }
    }

    /**
     * {@code [ERROR, REQUEST.Type|int, REQUEST.Request|id, Details|dict, Error|uri, Arguments|list,
     * ArgumentsKw|dict]}
     */
    record Error(int requestType, long request, Map<String, Object> details, String error,
                 List<Object> args, Map<String, Object> kwargs) implements WampMessage {
        public MessageType type() { return MessageType.ERROR; }
    }

    /** {@code [PUBLISH, Request|id, Options|dict, Topic|uri, Arguments|list, ArgumentsKw|dict]} */
    record Publish(long request, Map<String, Object> options, String topic,
                   List<Object> args, Map<String, Object> kwargs) implements WampMessage {
        public MessageType type() { return MessageType.PUBLISH; }
    }

    /** {@code [PUBLISHED, PUBLISH.Request|id, Publication|id]} */
    record Published(long request, long publication) implements WampMessage {
        public MessageType type() { return MessageType.PUBLISHED; }
    }

    /** {@code [SUBSCRIBE, Request|id, Options|dict, Topic|uri]} */
    record Subscribe(long request, Map<String, Object> options, String topic) implements WampMessage {
        public MessageType type() { return MessageType.SUBSCRIBE; }
    }

    /** {@code [SUBSCRIBED, SUBSCRIBE.Request|id, Subscription|id]} */
    record Subscribed(long request, long subscription) implements WampMessage {
        public MessageType type() { return MessageType.SUBSCRIBED; }
    }

    /** {@code [UNSUBSCRIBE, Request|id, SUBSCRIBED.Subscription|id]} */
    record Unsubscribe(long request, long subscription) implements WampMessage {
        public MessageType type() { return MessageType.UNSUBSCRIBE; }
    }

    /** {@code [UNSUBSCRIBED, UNSUBSCRIBE.Request|id]} or, router-initiated, {@code [UNSUBSCRIBED, 0, Details|dict]} */
    record Unsubscribed(long request, Map<String, Object> details) implements WampMessage {
        public MessageType type() { return MessageType.UNSUBSCRIBED; }
    }

    /**
     * {@code [EVENT, SUBSCRIBED.Subscription|id, PUBLISHED.Publication|id, Details|dict, PUBLISH.Arguments|list,
     * PUBLISH.ArgumentsKw|dict]}
     */
    record Event(long subscription, long publication, Map<String, Object> details,
                 List<Object> args, Map<String, Object> kwargs) implements WampMessage {
        public MessageType type() { return MessageType.EVENT; }
    }

    /** {@code [CALL, Request|id, Options|dict, Procedure|uri, Arguments|list, ArgumentsKw|dict]} */
    record Call(long request, Map<String, Object> options, String procedure,
                List<Object> args, Map<String, Object> kwargs) implements WampMessage {
        public MessageType type() { return MessageType.CALL; }
    }

    /** {@code [CANCEL, CALL.Request|id, Options|dict]} */
    record Cancel(long request, Map<String, Object> options) implements WampMessage {
        public MessageType type() { return MessageType.CANCEL; }
    }

    /** {@code [RESULT, CALL.Request|id, Details|dict, YIELD.Arguments|list, YIELD.ArgumentsKw|dict]} */
    record Result(long request, Map<String, Object> details,
                  List<Object> args, Map<String, Object> kwargs) implements WampMessage {
        public MessageType type() { return MessageType.RESULT; }
    }

    /** {@code [REGISTER, Request|id, Options|dict, Procedure|uri]} */
    record Register(long request, Map<String, Object> options, String procedure) implements WampMessage {
        public MessageType type() { return MessageType.REGISTER; }
    }

    /** {@code [REGISTERED, REGISTER.Request|id, Registration|id]} */
    record Registered(long request, long registration) implements WampMessage {
        public MessageType type() { return MessageType.REGISTERED; }
    }

    /** {@code [UNREGISTER, Request|id, REGISTERED.Registration|id]} */
    record Unregister(long request, long registration) implements WampMessage {
        public MessageType type() { return MessageType.UNREGISTER; }
    }

    /** {@code [UNREGISTERED, UNREGISTER.Request|id]} or, router-initiated, {@code [UNREGISTERED, 0, Details|dict]} */
    record Unregistered(long request, Map<String, Object> details) implements WampMessage {
        public MessageType type() { return MessageType.UNREGISTERED; }
    }

    /**
     * {@code [INVOCATION, Request|id, REGISTERED.Registration|id, Details|dict, CALL.Arguments|list,
     * CALL.ArgumentsKw|dict]}
     */
    record Invocation(long request, long registration, Map<String, Object> details,
                      List<Object> args, Map<String, Object> kwargs) implements WampMessage {
        public MessageType type() { return MessageType.INVOCATION; }
    }

    /** {@code [INTERRUPT, INVOCATION.Request|id, Options|dict]} */
    record Interrupt(long request, Map<String, Object> options) implements WampMessage {
        public MessageType type() { return MessageType.INTERRUPT; }
    }

    /** {@code [YIELD, INVOCATION.Request|id, Options|dict, Arguments|list, ArgumentsKw|dict]} */
    record Yield(long request, Map<String, Object> options,
                 List<Object> args, Map<String, Object> kwargs) implements WampMessage {
        public MessageType type() { return MessageType.YIELD; }
    }
}
