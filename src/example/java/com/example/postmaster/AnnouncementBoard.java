package com.example.postmaster;

import io.postmaster.spi.WampEvent;
import io.postmaster.spi.WampProcedure;
import io.postmaster.spi.WampSubscription;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * A bean that subscribes: keeps the latest announcement, whoever published it (the REST resource, the HTTP bridge or
 * any WAMP client), and answers {@code com.example.announcements.last} with it.
 */
@ApplicationScoped
public class AnnouncementBoard {
    private volatile Announcement last;
    private volatile long publication;

    /** The event's keyword arguments become the record (JSON-B). */
    @WampSubscription(value = "com.example.announcements", realm = "realm1", authid = "board", authrole = "member")
    public void announced(Announcement a, WampEvent event) {
        last = a;
        publication = event.publication();
    }

    @WampProcedure(value = "com.example.announcements.last", anonymous = true)
    public Announcement last() {
        return last;
    }
}
