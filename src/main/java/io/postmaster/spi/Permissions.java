package io.postmaster.spi;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.List;

/**
 * A session's permissions: a list of {@link Permission} rules, deny by default. For a URI, the most specific matching
 * rule decides alone: an exact rule before any prefix rule, a longer prefix before a shorter one, any prefix before
 * any wildcard rule, and among wildcards the one with more fixed components (then the earlier one). No matching rule:
 * denied. Immutable and thread-safe.
 */
public final class Permissions {
    // Declared before the constants below, which are built with it.
    private static final Comparator<Permission> PRECEDENCE = Comparator
            .comparingInt((Permission p) -> p.match().ordinal())                 // EXACT, PREFIX, WILDCARD
            .thenComparing(Comparator.comparingInt((Permission p) ->
                    p.match() == Permission.Match.WILDCARD ? p.fixedComponents() : p.uri().length()).reversed());

    /** Nothing is allowed. */
    public static final Permissions NONE = new Permissions(List.of());
    /**
     * Every action on every URI, disclosing nothing: what anonymous sessions get on an open realm without configured
     * roles. What must be granted on purpose (killing sessions, seeing their addresses) the router checks on top.
     */
    public static final Permissions ALL = new Permissions(List.of(new Permission("", Permission.Match.PREFIX,
            EnumSet.allOf(Action.class), false)));

    private final List<Permission> rules; // in precedence order; the sort is stable, so ties keep list order

    public Permissions(List<Permission> rules) {
        List<Permission> sorted = new ArrayList<>(rules);
        sorted.sort(PRECEDENCE);
        this.rules = List.copyOf(sorted);
    }

    /** The rules, most specific first. */
    public List<Permission> rules() {
        return rules;
    }

    /** The rule that decides for {@code uri}, or null when none matches. */
    public Permission ruleFor(String uri) {
        for (Permission p : rules) {
            if (p.matches(uri)) {
                return p;
            }
        }
        return null;
    }

    /**
     * Whether {@code action} on {@code uri} is allowed, and whether to disclose. Not cacheable: permissions may differ
     * between sessions of one role (a {@link PermissionProvider} may give them per user).
     */
    public Decision decide(String uri, Action action) {
        Permission p = ruleFor(uri);
        if (p == null || !p.allow().contains(action)) {
            return NO;
        }
        return p.disclose() ? YES_DISCLOSE : YES;
    }

    private static final Decision NO = new Decision(false, false, false);
    private static final Decision YES = new Decision(true, false, false);
    private static final Decision YES_DISCLOSE = new Decision(true, true, false);

    @Override
    public String toString() {
        return "Permissions" + rules;
    }
}
