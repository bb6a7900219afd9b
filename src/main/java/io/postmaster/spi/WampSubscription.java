package io.postmaster.spi;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a method of a CDI bean as a subscriber: when the application starts, a session of the router joins the realm
 * as {@link #authid()} with role {@link #authrole()} and subscribes to {@link #value()}; each event then calls the
 * method on Postmaster's executor, one event at a time in publication order (the sibling of {@link WampProcedure}).
 *
 * <p>Arguments as for {@link WampProcedure}: the event's positional arguments fill the parameters in order, each
 * converted with JSON-B; an event with keyword arguments only fills a single parameter (a record or a map) from
 * them; a parameter of type {@link WampEvent} receives the whole event instead. An event whose arguments do not
 * convert, or a method that throws, is logged and skipped.
 *
 * <p>The method runs on the subscribing session's lane, shared by the methods with the same realm, authid and role:
 * one that blocks holds up the others. A session whose methods fall {@code postmaster.outbound-queue} events behind
 * is ended, as a WebSocket subscriber would be (logged at WARNING); it then joins and subscribes again, so the
 * methods miss the events of the meantime, not all later ones.
 *
 * <p>The subscription is authorized like any session's: the role needs a {@code subscribe} rule for the topic, else
 * the deployment fails with the router's refusal.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
public @interface WampSubscription {

    /** The topic URI (or pattern, see {@link #match()}). */
    String value();

    /** {@code exact} (the default), {@code prefix} or {@code wildcard}. */
    String match() default "exact";

    /** The realm; empty (the default) for every realm the router serves. */
    String realm() default "";

    /** The authid of the subscribing session. */
    String authid() default "postmaster";

    /** The role of the subscribing session: its rules must allow subscribing to the topic. */
    String authrole();
}
