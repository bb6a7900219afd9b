package com.example.postmaster;

import jakarta.ws.rs.ApplicationPath;
import jakarta.ws.rs.core.Application;

import java.util.Set;

/**
 * The application's own REST API at {@code /api}. It lists its resources: Postmaster's HTTP bridge, in the same WAR,
 * is a Jakarta REST application of its own (at {@code /bridge}), and a scanning application would serve it again.
 */
@ApplicationPath("api")
public class ExampleRestApplication extends Application {
    @Override
    public Set<Class<?>> getClasses() {
        return Set.of(Announcements.class);
    }
}
