package com.example.postmaster;

import io.postmaster.spi.PublishInterceptor;
import io.postmaster.spi.Publication;
import io.postmaster.spi.Verdict;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.List;
import java.util.Map;

/**
 * Sees every publication before it is routed (the seed's MessageToPublish): chat messages are signed with the
 * publisher's authid, spam is rejected with an error of our own, everything else passes.
 */
@ApplicationScoped
public class ChatModeration implements PublishInterceptor {

    @Override
    public Verdict intercept(Publication p) {
        if (!p.topic().equals("com.example.chat") || p.args() == null || p.args().isEmpty()) {
            return Verdict.pass();
        }
        String text = String.valueOf(p.args().get(0));
        if (text.toLowerCase().contains("spam")) {
            return new Verdict.Reject("com.example.error.spam", List.of("no spam, please"), null);
        }
        return Verdict.replace(List.of(text), Map.of("from", p.publisher().authid()));
    }
}
