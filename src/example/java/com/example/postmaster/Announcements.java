package com.example.postmaster;

import jakarta.enterprise.context.RequestScoped;
import jakarta.enterprise.event.Event;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

/**
 * {@code POST /api/announcements} with {@code {"author": …, "text": …}}: the application's own business (here just
 * an event; in a real one, say, a row written in a transaction), published to WAMP subscribers once it has
 * succeeded — see {@link AnnouncementPublisher}.
 */
@RequestScoped
@Path("announcements")
public class Announcements {

    @Inject
    Event<Announcement> announced;

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    public Response announce(Announcement a) {
        if (a == null || a.text() == null || a.text().isBlank()) {
            return Response.status(400).build();
        }
        announced.fire(a);
        return Response.accepted().build();
    }
}
