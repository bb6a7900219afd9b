package io.postmaster.router.match;

import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.concurrent.ConcurrentHashMap;
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
 * <p>Layout and concurrency as in {@link PrefixTree}: each node holds its own label (a run of components), immutable;
 * splits and merges swap new nodes in under the table's monitor; readers take no lock. The walk keeps its own stack,
 * so deep trees cannot overflow the thread's stack.
 */
final class WildcardTree<T> {
    private static final String ANY = "";

    private static final class Node<T> {
        final String[] label;
        final int depth; // components before this node's label
        volatile ConcurrentHashMap<String, Node<T>> children; // by the first component of the child's label
        volatile T value;

        Node(String[] label, int depth, T value, ConcurrentHashMap<String, Node<T>> children) {
            this.label = label;
            this.depth = depth;
            this.value = value;
            this.children = children;
        }

        /** Components from the root to the end of this node's label. */
        int end() {
            return depth + label.length;
        }

        int childCount() {
            var c = children;
            return c == null ? 0 : c.size();
        }

        ConcurrentHashMap<String, Node<T>> childrenForWrite() {
            var c = children;
            if (c == null) {
                c = new ConcurrentHashMap<>(4);
                children = c;
            }
            return c;
        }

        /** Whether the rest of the label (the first component chose this child) matches the URI's components. */
        boolean matches(String[] uri) {
            if (end() > uri.length) {
                return false;
            }
            for (int j = 1; j < label.length; j++) {
                if (!label[j].isEmpty() && !label[j].equals(uri[depth + j])) {
                    return false;
                }
            }
            return true;
        }

        /** Whether the label equals the pattern's components from {@link #depth} on. */
        boolean isPartOf(String[] pattern) {
            if (end() > pattern.length) {
                return false;
            }
            for (int j = 0; j < label.length; j++) {
                if (!label[j].equals(pattern[depth + j])) {
                    return false;
                }
            }
            return true;
        }
    }

    private final Node<T> root = new Node<>(new String[0], 0, null, null);

    /** Calls {@code action} with the entry of every pattern matching the URI's components. */
    void forEachMatch(String[] uri, Consumer<? super T> action, int[] visits) {
        ArrayDeque<Node<T>> todo = new ArrayDeque<>();
        todo.push(root);
        while (!todo.isEmpty()) {
            Node<T> n = todo.pop();
            if (n.end() == uri.length) {
                T v = n.value;
                if (v != null) {
                    action.accept(v);
                }
            } else {
                pushMatchingChildren(n, uri, todo, visits);
            }
        }
    }

    /** The entry of the best matching pattern by the spec's precedence for wildcards, or null. */
    T bestMatch(String[] uri, int[] visits) {
        ArrayDeque<Node<T>> todo = new ArrayDeque<>();
        todo.push(root);
        while (!todo.isEmpty()) {
            Node<T> n = todo.pop();
            if (n.end() == uri.length) {
                T v = n.value;
                if (v != null) {
                    return v;
                }
            } else {
                pushMatchingChildren(n, uri, todo, visits);
            }
        }
        return null;
    }

    /** Pushes the wildcard child, then the literal one: the literal is taken first. */
    private static <T> void pushMatchingChildren(Node<T> n, String[] uri, ArrayDeque<Node<T>> todo, int[] visits) {
        var children = n.children;
        if (children == null) {
            return;
        }
        String next = uri[n.end()];
        Node<T> any = children.get(ANY);
        if (any != null) {
            count(visits);
            if (any.matches(uri)) {
                todo.push(any);
            }
        }
        if (!next.isEmpty()) { // a concrete URI has no empty component; be safe with the meta API's arguments
            Node<T> literal = children.get(next);
            if (literal != null) {
                count(visits);
                if (literal.matches(uri)) {
                    todo.push(literal);
                }
            }
        }
    }

    /** Stores {@code value} for the pattern with these components. Hold the table's monitor. */
    void put(String[] pattern, T value) {
        Node<T> n = root;
        int i = 0;
        while (true) {
            if (i == pattern.length) {
                n.value = value;
                return;
            }
            var children = n.childrenForWrite();
            Node<T> c = children.get(pattern[i]);
            if (c == null) {
                children.put(pattern[i], new Node<>(Arrays.copyOfRange(pattern, i, pattern.length), i, value, null));
                return;
            }
            int common = 1; // the first component matched the key
            int len = c.label.length;
            while (common < len && i + common < pattern.length && pattern[i + common].equals(c.label[common])) {
                common++;
            }
            if (common == len) {
                n = c;
                i += len;
                continue;
            }
            // Split c at `common`: a new node for the shared part, over a copy of c with the rest of its label.
            Node<T> rest = new Node<>(Arrays.copyOfRange(c.label, common, len), i + common, c.value, c.children);
            Node<T> mid = new Node<>(Arrays.copyOf(c.label, common), i, null, new ConcurrentHashMap<>(4));
            mid.children.put(rest.label[0], rest);
            if (i + common == pattern.length) {
                mid.value = value;
            } else {
                mid.children.put(pattern[i + common], new Node<>(Arrays.copyOfRange(pattern, i + common,
                        pattern.length), i + common, value, null));
            }
            children.put(pattern[i], mid);
            return;
        }
    }

    /** Removes the entry of the pattern with these components. Hold the table's monitor. */
    void remove(String[] pattern) {
        Node<T> grandparent = null;
        Node<T> parent = null;
        Node<T> n = root;
        while (n.end() < pattern.length) {
            var children = n.children;
            Node<T> c = children == null ? null : children.get(pattern[n.end()]);
            if (c == null || !c.isPartOf(pattern)) {
                return;
            }
            grandparent = parent;
            parent = n;
            n = c;
        }
        if (n == root) {
            return;
        }
        n.value = null;
        int children = n.childCount();
        if (children == 0) {
            parent.children.remove(n.label[0]);
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
        String[] label = Arrays.copyOf(n.label, n.label.length + only.label.length);
        System.arraycopy(only.label, 0, label, n.label.length, only.label.length);
        parent.children.put(n.label[0], new Node<>(label, n.depth, only.value, only.children));
    }

    /** Whether the tree holds no entry. */
    boolean isEmpty() {
        return root.value == null && root.childCount() == 0;
    }

    /** Nodes in the tree, the root included, and the components of their labels (for tests of its shape). */
    long[] size() {
        long[] size = new long[2];
        ArrayDeque<Node<T>> todo = new ArrayDeque<>();
        todo.push(root);
        while (!todo.isEmpty()) {
            Node<T> n = todo.pop();
            size[0]++;
            size[1] += n.label.length;
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
