package com.example.postmaster;

/** A notice for everyone on the chat: what the REST resource takes and the subscribers receive (JSON-B both ways). */
public record Announcement(String author, String text) {
}
