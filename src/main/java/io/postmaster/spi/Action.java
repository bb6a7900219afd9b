package io.postmaster.spi;

import java.util.Locale;

/** What a session may be allowed to do with a URI. */
public enum Action {
    CALL, REGISTER, PUBLISH, SUBSCRIBE;

    /** The action's name in configuration and logs: {@code call}, {@code register} … */
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The action named {@code s} (case-insensitive), or null. */
    public static Action of(String s) {
        for (Action a : values()) {
            if (a.name().equalsIgnoreCase(s)) {
                return a;
            }
        }
        return null;
    }
}
