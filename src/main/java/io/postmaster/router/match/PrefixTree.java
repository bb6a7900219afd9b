package io.postmaster.router.match;

import java.util.function.Consumer;

/**
 * Prefix patterns in a radix tree over characters: WAMP prefix matching is on the string, not on URI components
 * ({@code com.a} matches {@code com.abc}), so the tree branches on characters. A lookup walks the URI once: at most
 * one node per matched label, each label compared once, so it costs O(URI length) however many patterns there are.
 * Shape, memory bound and concurrency: {@link RadixTree}.
 */
final class PrefixTree<T> extends RadixTree<String, Character, T> {
    PrefixTree() {
        super("");
    }

    /** Calls {@code action} with the entry of every pattern that {@code uri} starts with, shortest first. */
    void forEachPrefixOf(String uri, Consumer<? super T> action, int[] visits) {
        walk(uri, action, visits);
    }

    /** The entry of the longest pattern that {@code uri} starts with, or null. */
    T longestPrefixOf(String uri, int[] visits) {
        return walk(uri, null, visits);
    }

    /** Follows {@code uri} down the tree; calls {@code each} (if any) on every entry met; returns the last one. */
    private T walk(String uri, Consumer<? super T> each, int[] visits) {
        T last = null;
        Node<String, Character, T> n = root;
        int i = 0;
        while (true) {
            count(visits);
            T v = n.value;
            if (v != null) {
                last = v;
                if (each != null) {
                    each.accept(v);
                }
            }
            n = next(n, uri, i);
            if (n == null) {
                return last;
            }
            i += n.label.length();
        }
    }

    /** The child of {@code n} whose whole label {@code uri} continues with at {@code i}, or null. */
    private static <T> Node<String, Character, T> next(Node<String, Character, T> n, String uri, int i) {
        var children = n.children;
        if (children == null || i >= uri.length()) {
            return null;
        }
        Node<String, Character, T> c = children.get(uri.charAt(i));
        return c != null && uri.startsWith(c.label, i) ? c : null;
    }

    @Override
    int length(String label) {
        return label.length();
    }

    @Override
    Character key(String label, int i) {
        return label.charAt(i);
    }

    @Override
    boolean sameUnit(String a, int i, String b, int j) {
        return a.charAt(i) == b.charAt(j);
    }

    @Override
    String slice(String label, int from, int to) {
        return label.substring(from, to);
    }

    @Override
    String concat(String a, String b) {
        return a + b;
    }
}
