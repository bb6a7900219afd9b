package com.example.postmaster;

import io.postmaster.config.AuthConfig;
import io.postmaster.spi.PermissionProvider;
import io.postmaster.spi.Permissions;
import io.postmaster.spi.SessionDetails;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Alternative;
import jakarta.interceptor.Interceptor;

/**
 * What each session may do, decided once when it joins. Members may chat and call
 * everything under {@code com.example.}; anonymous sessions and guests may only read the chat and the
 * announcements.
 */
@Alternative
@Priority(Interceptor.Priority.APPLICATION + 10)
@ApplicationScoped
public class MemberPermissions implements PermissionProvider {
    private static final Permissions MEMBER = AuthConfig.parsePermissions("member",
            "com.example. prefix call,publish,subscribe");
    private static final Permissions READER = AuthConfig.parsePermissions("reader",
            "com.example.chat exact subscribe; com.example.announcements exact subscribe");

    @Override
    public Permissions permissions(SessionDetails session) {
        return "member".equals(session.authrole()) ? MEMBER : READER;
    }
}
