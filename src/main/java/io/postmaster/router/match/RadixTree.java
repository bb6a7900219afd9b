package io.postmaster.router.match;

import java.util.ArrayDeque;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What {@link PrefixTree} (labels of characters) and {@link WildcardTree} (labels of URI components) share: a radix
 * tree whose nodes each hold a label, a child map keyed by the first unit of each child's label, and at most one
 * entry. This class keeps the tree's shape — adding a pattern splits a node where it diverges, removing one merges a
 * node left with no entry and one child into that child — and the subclasses walk it for their lookups.
 *
 * <p>Each node holds its own label (a copy, so a node never keeps a removed pattern alive): the tree holds at most
 * the units of its live patterns. Every node but the root holds an entry or has two children or more, so the tree
 * has fewer nodes than twice its entries.
 *
 * <p>Concurrency as in {@link UriTable}: readers take no lock; writers hold the table's monitor. Labels never change:
 * a split or a merge builds new nodes and swaps them into the parent's child map, so a reader walking an older node
 * still sees a consistent (if slightly outdated) subtree.
 *
 * @param <L> a label, and a whole pattern: a sequence of units
 * @param <K> one unit of a label, the key of a child map
 * @param <T> the entry type
 */
abstract class RadixTree<L, K, T> {
    static final class Node<L, K, T> {
        final L label;
        final int depth; // units before this node's label
        volatile ConcurrentHashMap<K, Node<L, K, T>> children; // by the first unit of the child's label
        volatile T value;

        Node(L label, int depth, T value, ConcurrentHashMap<K, Node<L, K, T>> children) {
            this.label = label;
            this.depth = depth;
            this.value = value;
            this.children = children;
        }

        int childCount() {
            var c = children;
            return c == null ? 0 : c.size();
        }

        ConcurrentHashMap<K, Node<L, K, T>> childrenForWrite() {
            var c = children;
            if (c == null) {
                c = new ConcurrentHashMap<>(4);
                children = c;
            }
            return c;
        }
    }

    final Node<L, K, T> root;

    RadixTree(L empty) {
        root = new Node<>(empty, 0, null, null);
    }

    /** The number of units in {@code label}. */
    abstract int length(L label);

    /** The unit of {@code label} at {@code i}, as a child-map key. */
    abstract K key(L label, int i);

    /** Whether unit {@code i} of {@code a} equals unit {@code j} of {@code b}. */
    abstract boolean sameUnit(L a, int i, L b, int j);

    /** Units {@code from} (inclusive) to {@code to} (exclusive) of {@code label}, as a new label. */
    abstract L slice(L label, int from, int to);

    /** {@code a} followed by {@code b}, as a new label. */
    abstract L concat(L a, L b);

    /** Stores {@code value} for {@code pattern}. Hold the table's monitor. */
    final void put(L pattern, T value) {
        int end = length(pattern);
        Node<L, K, T> n = root;
        int i = 0;
        while (true) {
            if (i == end) {
                n.value = value;
                return;
            }
            var children = n.childrenForWrite();
            K first = key(pattern, i);
            Node<L, K, T> c = children.get(first);
            if (c == null) {
                children.put(first, new Node<>(slice(pattern, i, end), i, value, null));
                return;
            }
            int common = 1; // the first unit matched the key
            int len = length(c.label);
            while (common < len && i + common < end && sameUnit(pattern, i + common, c.label, common)) {
                common++;
            }
            if (common == len) {
                n = c;
                i += len;
                continue;
            }
            // Split c at `common`: a new node for the shared part, over a copy of c with the rest of its label.
            Node<L, K, T> rest = new Node<>(slice(c.label, common, len), i + common, c.value, c.children);
            Node<L, K, T> mid = new Node<>(slice(c.label, 0, common), i, null, new ConcurrentHashMap<>(4));
            mid.children.put(key(rest.label, 0), rest);
            if (i + common == end) {
                mid.value = value;
            } else {
                mid.children.put(key(pattern, i + common),
                        new Node<>(slice(pattern, i + common, end), i + common, value, null));
            }
            children.put(first, mid);
            return;
        }
    }

    /** Removes the entry of {@code pattern}. Hold the table's monitor. */
    final void remove(L pattern) {
        int end = length(pattern);
        Node<L, K, T> grandparent = null;
        Node<L, K, T> parent = null;
        Node<L, K, T> n = root;
        int i = 0;
        while (i < end) {
            var children = n.children;
            Node<L, K, T> c = children == null ? null : children.get(key(pattern, i));
            if (c == null || !continuesWith(pattern, i, c.label)) {
                return;
            }
            grandparent = parent;
            parent = n;
            n = c;
            i += length(c.label);
        }
        if (n == root) {
            root.value = null; // the empty pattern
            return;
        }
        n.value = null;
        int children = n.childCount();
        if (children == 0) {
            parent.children.remove(key(n.label, 0));
            if (parent != root && parent.value == null && parent.childCount() == 1) {
                merge(grandparent, parent);
            }
        } else if (children == 1) {
            merge(parent, n);
        }
    }

    /** Whether {@code pattern} continues at {@code i} with the whole of {@code label}. */
    private boolean continuesWith(L pattern, int i, L label) {
        int len = length(label);
        if (i + len > length(pattern)) {
            return false;
        }
        for (int j = 0; j < len; j++) {
            if (!sameUnit(pattern, i + j, label, j)) {
                return false;
            }
        }
        return true;
    }

    /** Replaces {@code n}, which holds no entry and has one child, by one node with both labels. */
    private void merge(Node<L, K, T> parent, Node<L, K, T> n) {
        Node<L, K, T> only = n.children.values().iterator().next();
        parent.children.put(key(n.label, 0), new Node<>(concat(n.label, only.label), n.depth, only.value,
                only.children));
    }

    /** Whether the tree holds no entry. */
    final boolean isEmpty() {
        return root.value == null && root.childCount() == 0;
    }

    /** Nodes in the tree, the root included, and the units of their labels (for tests of its shape). */
    final long[] size() {
        long[] size = new long[2];
        ArrayDeque<Node<L, K, T>> todo = new ArrayDeque<>();
        todo.push(root);
        while (!todo.isEmpty()) {
            Node<L, K, T> n = todo.pop();
            size[0]++;
            size[1] += length(n.label);
            var c = n.children;
            if (c != null) {
                c.values().forEach(todo::push);
            }
        }
        return size;
    }

    static void count(int[] visits) {
        if (visits != null) {
            visits[0]++;
        }
    }
}
