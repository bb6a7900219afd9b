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

    /**
     * Parses rules as the settings write them: {@code <uri> <exact|prefix|wildcard> <action>[,<action>…]}, separated
     * by {@code ;}. Actions are {@code call}, {@code register}, {@code publish}, {@code subscribe}, {@code disclose}
     * (caller/publisher disclosure), {@code all} or {@code none}; the URI {@code *} stands for the empty prefix (every
     * URI). For a {@link PermissionProvider} that keeps rules as text (a database column, a file).
     *
     * @throws IllegalArgumentException naming the rule that is malformed
     */
    public static Permissions parse(String text) {
        List<Permission> rules = new ArrayList<>();
        for (String rule : text.split(";")) {
            if (rule.isBlank()) {
                continue;
            }
            String[] parts = rule.trim().split("\\s+");
            if (parts.length != 3) {
                throw new IllegalArgumentException("rule '" + rule.trim()
                        + "' is not '<uri> <exact|prefix|wildcard> <actions>'");
            }
            Permission.Match match = null;
            for (Permission.Match m : Permission.Match.values()) {
                if (m.name().equalsIgnoreCase(parts[1])) {
                    match = m;
                }
            }
            if (match == null) {
                throw new IllegalArgumentException("'" + parts[1] + "' is not exact, prefix or wildcard");
            }
            String uri = parts[0].equals("*") ? "" : parts[0];
            if (uri.isEmpty() && match != Permission.Match.PREFIX) {
                throw new IllegalArgumentException("'*' (every URI) needs the prefix match");
            }
            EnumSet<Action> allow = EnumSet.noneOf(Action.class);
            boolean disclose = false;
            for (String a : parts[2].split(",")) {
                switch (a.toLowerCase(java.util.Locale.ROOT)) {
                    case "all" -> allow.addAll(EnumSet.allOf(Action.class));
                    case "none" -> { }
                    case "disclose" -> disclose = true;
                    default -> {
                        Action action = Action.of(a);
                        if (action == null) {
                            throw new IllegalArgumentException("unknown action '" + a + "'");
                        }
                        allow.add(action);
                    }
                }
            }
            rules.add(new Permission(uri, match, allow, disclose));
        }
        return new Permissions(rules);
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
