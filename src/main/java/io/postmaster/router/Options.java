package io.postmaster.router;

import java.util.Locale;

/** Reading message options that name one of a fixed set of choices ({@code match}, {@code invoke}). */
public final class Options {
    private Options() {
    }

    /**
     * The constant of {@code type} that an option value names (case-insensitively), {@code absent} when the option
     * is not given, or null when the value names none (the caller answers with {@code wamp.error.invalid_argument}).
     */
    public static <E extends Enum<E>> E choice(Object option, Class<E> type, E absent) {
        if (option == null) {
            return absent;
        }
        if (!(option instanceof String s)) {
            return null;
        }
        try {
            return Enum.valueOf(type, s.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            return null;
        }
    }
}
