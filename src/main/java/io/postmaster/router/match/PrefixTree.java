package io.postmaster.router.match;

import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * Prefix patterns in a radix tree over characters: WAMP prefix matching is on the string, not on URI components
 * ({@code com.a} matches {@code com.abc}), so the tree branches on characters. A lookup walks the URI once: at most
 * one node per matched label, each label compared once, so it costs O(URI length) however many patterns there are.
 *
 * <p>Each node holds its own label (a copy, so a node never keeps a removed pattern's characters alive): the tree
 * holds at most the characters of its live patterns. Every node but the root holds an entry or has two children or
 * more, so the tree has fewer nodes than twice its entries.
 *
 * <p>Concurrency as in {@link UriTable}: readers take no lock; writers hold the table's monitor. Labels never change:
 * a split or a merge builds new nodes and swaps them into the parent's child map, so a reader walking an older node
 * still sees a consistent (if slightly outdated) subtree.
 */
final class PrefixTree<T> {
    private static final class Node<T> {
        final String label;
        volatile ConcurrentHashMap<Character, Node<T>> children; // by the first character of the child's label
        volatile T value;

        Node(String label, T value, ConcurrentHashMap<Character, Node<T>> children) {
            this.label = label;
            this.value = value;
            this.children = children;
        }

        int childCount() {
            var c = children;
            return c == null ? 0 : c.size();
        }

        ConcurrentHashMap<Character, Node<T>> childrenForWrite() {
            var c = children;
            if (c == null) {
                c = new ConcurrentHashMap<>(4);
                children = c;
            }
            return c;
        }
    }

    private final Node<T> root = new Node<>("", null, null);

    /** Calls {@code action} with the entry of every pattern that {@code uri} starts with, shortest first. */
    void forEachPrefixOf(String uri, Consumer<? super T> action, int[] visits) {
        Node<T> n = root;
        int i = 0;
        while (true) {
            count(visits);
            T v = n.value;
            if (v != null) {
                action.accept(v);
            }
            n = next(n, uri, i);
            if (n == null) {
                return;
            }
            i += n.label.length();
        }
    }

    /** The entry of the longest pattern that {@code uri} starts with, or null. */
    T longestPrefixOf(String uri, int[] visits) {
        T best = null;
        Node<T> n = root;
        int i = 0;
        while (true) {
            count(visits);
            T v = n.value;
            if (v != null) {
                best = v;
            }
            n = next(n, uri, i);
            if (n == null) {
                return best;
            }
            i += n.label.length();
        }
    }

    /** The child of {@code n} whose whole label {@code uri} continues with at {@code i}, or null. */
    private static <T> Node<T> next(Node<T> n, String uri, int i) {
        var children = n.children;
        if (children == null || i >= uri.length()) {
            return null;
        }
        Node<T> c = children.get(uri.charAt(i));
        return c != null && uri.startsWith(c.label, i) ? c : null;
    }

    /** Stores {@code value} for {@code pattern} (not empty). Hold the table's monitor. */
    void put(String pattern, T value) {
        Node<T> n = root;
        int i = 0;
        while (true) {
            if (i == pattern.length()) {
                n.value = value;
                return;
            }
            var children = n.childrenForWrite();
            char first = pattern.charAt(i);
            Node<T> c = children.get(first);
            if (c == null) {
                children.put(first, new Node<>(pattern.substring(i), value, null));
                return;
            }
            int common = 1; // the first character matched the key
            int len = c.label.length();
            while (common < len && i + common < pattern.length()
                    && pattern.charAt(i + common) == c.label.charAt(common)) {
                common++;
            }
            if (common == len) {
                n = c;
                i += len;
                continue;
            }
            // Split c at `common`: a new node for the shared part, over a copy of c with the rest of its label.
            Node<T> rest = new Node<>(c.label.substring(common), c.value, c.children);
            Node<T> mid = new Node<>(c.label.substring(0, common), null, new ConcurrentHashMap<>(4));
            mid.children.put(rest.label.charAt(0), rest);
            if (i + common == pattern.length()) {
                mid.value = value;
            } else {
                mid.children.put(pattern.charAt(i + common), new Node<>(pattern.substring(i + common), value, null));
            }
            children.put(first, mid);
            return;
        }
    }

    /** Removes the entry of {@code pattern}. Hold the table's monitor. */
    void remove(String pattern) {
        Node<T> grandparent = null;
        Node<T> parent = null;
        Node<T> n = root;
        int i = 0;
        while (i < pattern.length()) {
            Node<T> c = next(n, pattern, i);
            if (c == null) {
                return;
            }
            grandparent = parent;
            parent = n;
            n = c;
            i += c.label.length();
        }
        if (n == root) {
            return;
        }
        n.value = null;
        int children = n.childCount();
        if (children == 0) {
            parent.children.remove(n.label.charAt(0));
            if (parent != root && parent.value == null && parent.childCount() == 1) {
                merge(grandparent, parent);
            }
        } else if (children == 1) {
            merge(parent, n);
        }
    }

    /** Replaces {@code n}, which holds no entry and has one child, by one node with both labels. */
    private static <T> void merge(Node<T> parent, Node<T> n) {
        Node<T> only = n.children.values().iterator().next();
        parent.children.put(n.label.charAt(0), new Node<>(n.label + only.label, only.value, only.children));
    }

    /** Whether the tree holds no entry. */
    boolean isEmpty() {
        return root.value == null && root.childCount() == 0;
    }

    /** Nodes in the tree, the root included, and the characters of their labels (for tests of its shape). */
    long[] size() {
        long[] size = new long[2];
        java.util.ArrayDeque<Node<T>> todo = new java.util.ArrayDeque<>();
        todo.push(root);
        while (!todo.isEmpty()) {
            Node<T> n = todo.pop();
            size[0]++;
            size[1] += n.label.length();
            var c = n.children;
            if (c != null) {
                c.values().forEach(todo::push);
            }
        }
        return size;
    }

    private static void count(int[] visits) {
        if (visits != null) {
            visits[0]++;
        }
    }
}
