package io.postmaster;

import com.tngtech.archunit.core.domain.Dependency;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The dependency rules of {@code src/main}: the layers point one way (no cycle between packages), no cycle of
 * classes crosses a package boundary, and the routing core's owners are not tangled with what they own (a session
 * knows nothing of the tables, the meta API nothing of the router). Nested classes count as their top-level class.
 */
class DependencyRulesTest {
    private static final JavaClasses MAIN = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("io.postmaster");

    @Test
    void noCyclesBetweenPackages() {
        slices().matching("io.postmaster.(*)..").should().beFreeOfCycles().check(MAIN);
    }

    @Test
    void messageAndTheRouterKnowNothingOfJakartaEe() {
        noClasses().that().resideInAnyPackage("io.postmaster.message..", "io.postmaster.router..",
                        "io.postmaster.serialization..", "io.postmaster.spi..")
                .should().dependOnClassesThat().resideInAPackage("jakarta..")
                .check(MAIN);
    }

    @Test
    void noCycleOfClassesCrossesAPackage() {
        List<Set<String>> crossing = new ArrayList<>();
        for (Set<String> cycle : cycles(graph())) {
            if (cycle.stream().map(DependencyRulesTest::packageOf).distinct().count() > 1) {
                crossing.add(cycle);
            }
        }
        assertEquals(List.of(), crossing, "cycles of classes across packages");
    }

    @Test
    void theRoutingCoresOwnersAreNotTangledWithWhatTheyOwn() {
        Map<String, Set<String>> graph = graph();
        String r = "io.postmaster.router.";
        for (String[] pair : new String[][] {
                {"Session", "Subscription"}, {"Session", "Registration"}, {"Session", "PendingCall"},
                {"Session", "Broker"}, {"Session", "Dealer"}, {"Session", "Realm"}, {"Session", "Connection"},
                {"Router", "MetaApi"}, {"Realm", "MetaApi"}, {"Broker", "Dealer"}, {"Broker", "Gate"},
                {"Dealer", "Gate"}, {"Broker", "Realm"}, {"Dealer", "Realm"}, {"Broker", "Router"},
                {"Dealer", "Router"}, {"Party", "PendingCall"}, {"Registration", "Party"},
                {"Subscription", "Broker"}, {"Registration", "Dealer"}, {"HelloBounds", "Connection"}}) {
            for (Set<String> cycle : cycles(graph)) {
                assertTrue(!(cycle.contains(r + pair[0]) && cycle.contains(r + pair[1])),
                        pair[0] + " and " + pair[1] + " are in one cycle: " + cycle);
            }
        }
    }

    /** Top-level class → the top-level classes of io.postmaster it depends on. */
    private static Map<String, Set<String>> graph() {
        Map<String, Set<String>> g = new LinkedHashMap<>();
        for (JavaClass c : MAIN) {
            String from = topLevel(c);
            Set<String> to = g.computeIfAbsent(from, k -> new TreeSet<>());
            for (Dependency d : c.getDirectDependenciesFromSelf()) {
                JavaClass target = d.getTargetClass();
                if (target.isArray()) {
                    target = target.getBaseComponentType();
                }
                String name = topLevel(target);
                if (name.startsWith("io.postmaster.") && !name.equals(from)
                        && !name.endsWith(".package-info")) {
                    to.add(name);
                }
            }
        }
        return g;
    }

    private static String topLevel(JavaClass c) {
        String name = c.getName();
        int dollar = name.indexOf('$');
        return dollar < 0 ? name : name.substring(0, dollar);
    }

    private static String packageOf(String className) {
        return className.substring(0, className.lastIndexOf('.'));
    }

    /** The strongly connected components with more than one class (Tarjan). */
    private static List<Set<String>> cycles(Map<String, Set<String>> g) {
        Map<String, Integer> index = new HashMap<>();
        Map<String, Integer> low = new HashMap<>();
        Deque<String> stack = new ArrayDeque<>();
        Set<String> onStack = new java.util.HashSet<>();
        List<Set<String>> out = new ArrayList<>();
        int[] counter = {0};
        for (String v : g.keySet()) {
            if (!index.containsKey(v)) {
                connect(v, g, index, low, stack, onStack, out, counter);
            }
        }
        return out;
    }

    private static void connect(String v, Map<String, Set<String>> g, Map<String, Integer> index,
                                Map<String, Integer> low, Deque<String> stack, Set<String> onStack,
                                List<Set<String>> out, int[] counter) {
        index.put(v, counter[0]);
        low.put(v, counter[0]);
        counter[0]++;
        stack.push(v);
        onStack.add(v);
        for (String w : g.getOrDefault(v, Set.of())) {
            if (!index.containsKey(w)) {
                connect(w, g, index, low, stack, onStack, out, counter);
                low.put(v, Math.min(low.get(v), low.get(w)));
            } else if (onStack.contains(w)) {
                low.put(v, Math.min(low.get(v), index.get(w)));
            }
        }
        if (low.get(v).equals(index.get(v))) {
            Set<String> component = new TreeSet<>();
            String w;
            do {
                w = stack.pop();
                onStack.remove(w);
                component.add(w);
            } while (!w.equals(v));
            if (component.size() > 1) {
                out.add(component);
            }
        }
    }
}
