package com.example.postmaster;

import io.postmaster.spi.SessionDetails;
import io.postmaster.spi.WampException;
import io.postmaster.spi.WampProcedure;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.util.List;
import java.util.Map;

/** Server-side procedures, registered when the application starts. */
@ApplicationScoped
public class Greeter {

    @Inject
    SessionLog log;

    /** Open to everyone, anonymous sessions included. */
    @WampProcedure(value = "com.example.hello", anonymous = true)
    public String hello(String name, SessionDetails caller) {
        return "Hello, " + name + "! You are " + caller.authid() + ".";
    }

    /** Members only. */
    @WampProcedure(value = "com.example.add", roles = "member")
    public long add(long a, long b) {
        return a + b;
    }

    public record Order(String item, int quantity) {
    }

    public record Confirmation(String item, int quantity, long total) {
    }

    /** Records in, records out (JSON-B); an application error with a URI of our own. */
    @WampProcedure(value = "com.example.order", roles = "member")
    public Confirmation order(Order order) {
        if (order.quantity() <= 0) {
            throw new WampException("com.example.error.bad_quantity", List.of(order.quantity()), Map.of("min", 1));
        }
        return new Confirmation(order.item(), order.quantity(), 7L * order.quantity());
    }

    /**
     * A bug: the caller gets wamp.error.runtime_error, never this message — whatever the exception, an
     * IllegalArgumentException included (only arguments that do not convert are the caller's invalid_argument).
     */
    @WampProcedure(value = "com.example.broken", anonymous = true)
    public String broken() {
        throw new IllegalArgumentException("database password is hunter2");
    }

    /** How many sessions joined and left so far, as the observers counted them. */
    @WampProcedure(value = "com.example.stats", anonymous = true)
    public Map<String, Integer> stats() {
        return Map.of("joined", log.joinedCount(), "left", log.leftCount(), "joinedAsync", log.joinedAsyncCount());
    }
}
