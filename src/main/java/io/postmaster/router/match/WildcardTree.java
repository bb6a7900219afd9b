package io.postmaster.router.match;

import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.function.Consumer;

/**
 * Wildcard patterns in a radix tree over URI components, where the empty component (the wildcard) is one more
 * child key. A lookup follows, at each node, at most two children: the one keyed by the URI's next component (a
 * hash lookup) and the wildcard one. So it costs O(URI components) for the patterns applications use, whatever their
 * number; in general it visits at most the nodes of patterns that agree with the URI up to where they stop matching,
 * which is bounded both by the table's size and by 2^(components).
 *
 * <p>The dealer's precedence falls out of the order of the walk: the spec ranks matching wildcard patterns by their
 * runs of literal components before each wildcard, compared run by run. All matching patterns have as many components
 * as the URI, so that ranking is the lexicographic order of their components with "literal" above "wildcard"; a
 * depth-first walk that tries the literal child first meets the best match first.
 *
 * <p>Shape, memory bound and concurrency: {@link RadixTree} (a label here is a run of components). The walk keeps its
 * own stack, so deep trees cannot overflow the thread's stack.
 */
final class WildcardTree<T> extends RadixTree<String[], String, T> {
    private static final String ANY = "";

    WildcardTree() {
        super(new String[0]);
    }

    /** Calls {@code action} with the entry of every pattern matching the URI's components. */
    void forEachMatch(String[] uri, Consumer<? super T> action, int[] visits) {
        walk(uri, action, visits);
    }

    /** The entry of the best matching pattern by the spec's precedence for wildcards, or null. */
    T bestMatch(String[] uri, int[] visits) {
        return walk(uri, null, visits);
    }

    /**
     * Walks the nodes that match the URI's components, literal children first; calls {@code each} on every entry
     * met and returns null, or without {@code each} returns the first entry met (the best match).
     */
    private T walk(String[] uri, Consumer<? super T> each, int[] visits) {
        ArrayDeque<Node<String[], String, T>> todo = new ArrayDeque<>();
        todo.push(root);
        while (!todo.isEmpty()) {
            Node<String[], String, T> n = todo.pop();
            if (end(n) == uri.length) {
                T v = n.value;
                if (v != null) {
                    if (each == null) {
                        return v;
                    }
                    each.accept(v);
                }
            } else {
                pushMatchingChildren(n, uri, todo, visits);
            }
        }
        return null;
    }

    /** Pushes the wildcard child, then the literal one: the literal is taken first. */
    private static <T> void pushMatchingChildren(Node<String[], String, T> n, String[] uri,
                                                 ArrayDeque<Node<String[], String, T>> todo, int[] visits) {
        var children = n.children;
        if (children == null) {
            return;
        }
        String next = uri[end(n)];
        Node<String[], String, T> any = children.get(ANY);
        if (any != null) {
            count(visits);
            if (matches(any, uri)) {
                todo.push(any);
            }
        }
        if (!next.isEmpty()) { // a concrete URI has no empty component; be safe with the meta API's arguments
            Node<String[], String, T> literal = children.get(next);
            if (literal != null) {
                count(visits);
                if (matches(literal, uri)) {
                    todo.push(literal);
                }
            }
        }
    }

    /** Components from the root to the end of the node's label. */
    private static int end(Node<String[], String, ?> n) {
        return n.depth + n.label.length;
    }

    /** Whether the rest of the node's label (its first component chose it) matches the URI's components. */
    private static boolean matches(Node<String[], String, ?> n, String[] uri) {
        if (end(n) > uri.length) {
            return false;
        }
        for (int j = 1; j < n.label.length; j++) {
            if (!n.label[j].isEmpty() && !n.label[j].equals(uri[n.depth + j])) {
                return false;
            }
        }
        return true;
    }

    @Override
    int length(String[] label) {
        return label.length;
    }

    @Override
    String key(String[] label, int i) {
        return label[i];
    }

    @Override
    boolean sameUnit(String[] a, int i, String[] b, int j) {
        return a[i].equals(b[j]);
    }

    @Override
    String[] slice(String[] label, int from, int to) {
        return Arrays.copyOfRange(label, from, to);
    }

    @Override
    String[] concat(String[] a, String[] b) {
        String[] label = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, label, a.length, b.length);
        return label;
    }
}
