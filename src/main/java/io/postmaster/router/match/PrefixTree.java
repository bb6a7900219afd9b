package io.postmaster.router.match;

import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * Prefix patterns in a radix tree over characters: WAMP prefix matching is on the string, not on URI components
 * ({@code com.a} matches {@code com.abc}), so the tree branches on characters. A lookup walks the URI once: at most
 * one node per matched label, each label compared once, so it costs O(URI length) however many patterns there are.
 *
 * <p>Every label is a range {@code [start, end)} of some pattern that passes through the node, by absolute position
 * (a node's {@code start} is its depth), so a node keeps a reference to a pattern and copies no characters. Every
 * node but the root holds an entry or has two children or more, so the tree has fewer nodes than twice its entries.
 *
 * <p>Concurrency as in {@link UriTable}: readers take no lock; writers hold the table's monitor. Labels never change:
 * a split or a merge builds new nodes and swaps them into the parent's child map, so a reader walking an older node
 * still sees a consistent (if slightly outdated) subtree.
 */
final class PrefixTree<T> {
    private static final class Node<T> {
        final String src;
        final int start;
        final int end;
        volatile ConcurrentHashMap<Character, Node<T>> children; // by the first character of the child's label
        volatile T value;

        Node(String src, int start, int end, T value, ConcurrentHashMap<Character, Node<T>> children) {
            this.src = src;
            this.start = start;
            this.end = end;
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

        Node<T> onlyChild() {
            return children.values().iterator().next();
        }
    }

    private final Node<T> root = new Node<>("", 0, 0, null, null);

    /** Calls {@code action} with the entry of every pattern that {@code uri} starts with, shortest first. */
    void forEachPrefixOf(String uri, Consumer<? super T> action, int[] visits) {
        Node<T> n = root;
        while (n != null) {
            count(visits);
            T v = n.value;
            if (v != null) {
                action.accept(v);
            }
            n = next(n, uri, n.end);
        }
    }

    /** The entry of the longest pattern that {@code uri} starts with, or null. */
    T longestPrefixOf(String uri, int[] visits) {
        T best = null;
        Node<T> n = root;
        while (n != null) {
            count(visits);
            T v = n.value;
            if (v != null) {
                best = v;
            }
            n = next(n, uri, n.end);
        }
        return best;
    }

    /** The child of {@code n} whose whole label {@code uri} continues with at {@code i}, or null. */
    private static <T> Node<T> next(Node<T> n, String uri, int i) {
        var children = n.children;
        if (children == null || i >= uri.length()) {
            return null;
        }
        Node<T> c = children.get(uri.charAt(i));
        if (c == null || !uri.regionMatches(i, c.src, c.start, c.end - c.start)) {
            return null;
        }
        return c;
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
                children.put(first, new Node<>(pattern, i, pattern.length(), value, null));
                return;
            }
            int common = 1; // the first character matched the key
            int len = c.end - c.start;
            while (common < len && i + common < pattern.length()
                    && pattern.charAt(i + common) == c.src.charAt(c.start + common)) {
                common++;
            }
            if (common == len) {
                n = c;
                i += len;
                continue;
            }
            // Split c at `common`: a new node for the shared part, over a copy of c with the rest of its label.
            Node<T> rest = new Node<>(c.src, c.start + common, c.end, c.value, c.children);
            Node<T> mid = new Node<>(c.src, c.start, c.start + common, null, new ConcurrentHashMap<>(4));
            mid.children.put(rest.src.charAt(rest.start), rest);
            if (i + common == pattern.length()) {
                mid.value = value;
            } else {
                mid.children.put(pattern.charAt(i + common), new Node<>(pattern, i + common, pattern.length(), value,
                        null));
            }
            children.put(first, mid);
            return;
        }
    }

    /** Removes the entry of {@code pattern}. Hold the table's monitor. */
    void remove(String pattern) {
        Node<T> parent = null;
        Node<T> n = root;
        Node<T> grandparent = null;
        int i = 0;
        while (i < pattern.length()) {
            Node<T> c = next(n, pattern, i);
            if (c == null || c.end > pattern.length()) {
                return;
            }
            grandparent = parent;
            parent = n;
            n = c;
            i = c.end;
        }
        if (n == root || n.end != pattern.length()) {
            return;
        }
        n.value = null;
        int children = n.childCount();
        if (children == 0) {
            parent.children.remove(n.src.charAt(n.start));
            if (parent != root && parent.value == null && parent.childCount() == 1) {
                merge(grandparent, parent);
            }
        } else if (children == 1) {
            merge(parent, n);
        }
    }

    /** Replaces {@code n}, which holds no entry and has one child, by one node with both labels. */
    private static <T> void merge(Node<T> parent, Node<T> n) {
        Node<T> only = n.onlyChild();
        Node<T> merged = new Node<>(only.src, n.start, only.end, only.value, only.children);
        parent.children.put(n.src.charAt(n.start), merged);
    }

    /** Whether the tree holds no entry. */
    boolean isEmpty() {
        return root.value == null && root.childCount() == 0;
    }

    /** Nodes in the tree, the root included (for tests of its shape). */
    int size() {
        int count = 0;
        java.util.ArrayDeque<Node<T>> todo = new java.util.ArrayDeque<>();
        todo.push(root);
        while (!todo.isEmpty()) {
            Node<T> n = todo.pop();
            count++;
            var c = n.children;
            if (c != null) {
                c.values().forEach(todo::push);
            }
        }
        return count;
    }

    private static void count(int[] visits) {
        if (visits != null) {
            visits[0]++;
        }
    }
}
