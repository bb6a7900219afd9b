package io.postmaster.config;

import java.util.function.Function;

import static io.postmaster.config.PostmasterConfig.intValue;

/**
 * Realms an operator adds, changes and removes while the application runs (the MXBean, the admin API): the bounds.
 *
 * @param max                {@code postmaster.realms-max}: realms served at once, configured and added together; an
 *                           addition past it is refused. Each realm costs its tables, timers, an MXBean and a series
 *                           of every per-realm metric family
 * @param definitionMaxBytes {@code postmaster.realm-definition-max-bytes}: the largest definition of one realm (its
 *                           settings, users and roles, as JSON) the admin API and the MXBean read
 */
public record RuntimeRealms(int max, int definitionMaxBytes) {
    static final String MAX = "postmaster.realms-max";
    static final String DEFINITION_MAX_BYTES = "postmaster.realm-definition-max-bytes";

    public RuntimeRealms {
        if (max < 1 || max > 10_000) {
            throw new IllegalArgumentException(MAX + " must be between 1 and 10000, got " + max);
        }
        if (definitionMaxBytes < 256 || definitionMaxBytes > 16 * 1024 * 1024) {
            throw new IllegalArgumentException(DEFINITION_MAX_BYTES + " must be between 256 and 16777216, got "
                    + definitionMaxBytes);
        }
    }

    /**
     * @param configured how many realms {@code postmaster.realms} names: the bound must leave room for them
     */
    public static RuntimeRealms from(Function<String, String> lookup, int configured) {
        RuntimeRealms r = new RuntimeRealms(intValue(lookup, MAX, 64), intValue(lookup, DEFINITION_MAX_BYTES, 65536));
        if (r.max() < configured) {
            throw new IllegalArgumentException(MAX + " (" + r.max() + ") is below the " + configured
                    + " realms postmaster.realms names");
        }
        return r;
    }
}
