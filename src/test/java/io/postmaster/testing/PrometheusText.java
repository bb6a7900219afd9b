package io.postmaster.testing;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * A strict parser of the Prometheus text exposition format, version 0.0.4, for tests: it refuses what the format
 * allows only loosely or not at all — a missing final newline, blank lines, a sample before its family's
 * {@code # TYPE}, a HELP or TYPE given twice, a family's samples not together, a sample that belongs to no declared
 * family, bad metric or label names, bad escapes, duplicate label names or series, a value that is not a float, and
 * histograms whose buckets are not cumulative or whose {@code +Inf} bucket differs from {@code _count}.
 */
public final class PrometheusText {
    private static final Pattern METRIC = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*");
    private static final Pattern LABEL = Pattern.compile("[a-zA-Z_][a-zA-Z0-9_]*");
    private static final Set<String> TYPES = Set.of("counter", "gauge", "histogram", "summary", "untyped");

    /** One sample. */
    public record Sample(String name, Map<String, String> labels, double value) { }

    /** One family: its type, help and samples in order. */
    public record Family(String name, String type, String help, List<Sample> samples) { }

    private final Map<String, Family> families = new LinkedHashMap<>();

    private PrometheusText() {
    }

    /** Parses {@code text}; throws {@link IllegalArgumentException} naming the line at the first fault. */
    public static PrometheusText parse(String text) {
        PrometheusText p = new PrometheusText();
        p.read(text);
        return p;
    }

    public Map<String, Family> families() {
        return families;
    }

    /** The value of the series {@code name} with exactly these labels (name, value, …); null when absent. */
    public Double value(String name, String... labels) {
        Map<String, String> want = new TreeMap<>();
        for (int i = 0; i < labels.length; i += 2) {
            want.put(labels[i], labels[i + 1]);
        }
        for (Family f : families.values()) {
            for (Sample s : f.samples()) {
                if (s.name().equals(name) && new TreeMap<>(s.labels()).equals(want)) {
                    return s.value();
                }
            }
        }
        return null;
    }

    private void read(String text) {
        if (text.isEmpty()) {
            throw new IllegalArgumentException("empty exposition");
        }
        if (!text.endsWith("\n")) {
            throw new IllegalArgumentException("the last line does not end with \\n");
        }
        String[] lines = text.substring(0, text.length() - 1).split("\n", -1);
        Map<String, String> help = new LinkedHashMap<>();
        Family current = null;
        Set<String> closed = new HashSet<>();
        Set<String> series = new HashSet<>();
        for (int n = 0; n < lines.length; n++) {
            String line = lines[n];
            String where = "line " + (n + 1) + " '" + line + "': ";
            if (line.isEmpty()) {
                throw new IllegalArgumentException(where + "blank line");
            }
            if (line.startsWith("#")) {
                String[] parts = line.split(" ", 4);
                if (parts.length >= 3 && parts[1].equals("HELP")) {
                    String name = parts[2];
                    check(METRIC, name, where);
                    if (help.containsKey(name) || families.containsKey(name) && families.get(name).help() != null) {
                        throw new IllegalArgumentException(where + "second HELP for " + name);
                    }
                    help.put(name, unescape(parts.length == 4 ? parts[3] : "", false, where));
                } else if (parts.length >= 3 && parts[1].equals("TYPE")) {
                    String name = parts[2];
                    check(METRIC, name, where);
                    if (parts.length != 4 || !TYPES.contains(parts[3])) {
                        throw new IllegalArgumentException(where + "bad TYPE");
                    }
                    if (families.containsKey(name)) {
                        throw new IllegalArgumentException(where + "second TYPE for " + name);
                    }
                    if (current != null) {
                        closed.add(current.name());
                    }
                    current = new Family(name, parts[3], help.get(name), new ArrayList<>());
                    families.put(name, current);
                }
                continue; // another comment
            }
            Sample s = sample(line, where);
            Family f = familyOf(s.name());
            if (f == null) {
                throw new IllegalArgumentException(where + "no TYPE declared for " + s.name());
            }
            if (f != current || closed.contains(f.name())) {
                throw new IllegalArgumentException(where + "a sample of " + f.name() + " apart from its family");
            }
            if (!series.add(s.name() + new TreeMap<>(s.labels()))) {
                throw new IllegalArgumentException(where + "duplicate series");
            }
            if (s.name().endsWith("_bucket") && f.type().equals("histogram") && !s.labels().containsKey("le")) {
                throw new IllegalArgumentException(where + "bucket without le");
            }
            f.samples().add(s);
        }
        for (Family f : families.values()) {
            if (f.help() == null) {
                throw new IllegalArgumentException("family " + f.name() + " has no HELP");
            }
            if (f.type().equals("histogram")) {
                checkHistogram(f);
            }
        }
    }

    private Family familyOf(String sample) {
        Family f = families.get(sample);
        if (f != null && !f.type().equals("histogram") && !f.type().equals("summary")) {
            return f;
        }
        for (String suffix : new String[] {"_bucket", "_sum", "_count"}) {
            if (sample.endsWith(suffix)) {
                Family h = families.get(sample.substring(0, sample.length() - suffix.length()));
                boolean fits = h != null && (h.type().equals("histogram")
                        || h.type().equals("summary") && !suffix.equals("_bucket"));
                if (fits) {
                    return h;
                }
            }
        }
        return null;
    }

    private static void checkHistogram(Family f) {
        Map<Map<String, String>, List<Sample>> byLabels = new LinkedHashMap<>();
        Map<Map<String, String>, Double> counts = new LinkedHashMap<>();
        for (Sample s : f.samples()) {
            Map<String, String> rest = new TreeMap<>(s.labels());
            rest.remove("le");
            if (s.name().endsWith("_bucket")) {
                byLabels.computeIfAbsent(rest, k -> new ArrayList<>()).add(s);
            } else if (s.name().endsWith("_count")) {
                counts.put(rest, s.value());
            }
        }
        for (var e : byLabels.entrySet()) {
            double last = -1;
            double lastLe = Double.NEGATIVE_INFINITY;
            Sample inf = null;
            for (Sample b : e.getValue()) {
                double le = number(b.labels().get("le"), "le of " + f.name());
                if (le <= lastLe) {
                    throw new IllegalArgumentException(f.name() + ": buckets not in increasing le order");
                }
                if (b.value() < last) {
                    throw new IllegalArgumentException(f.name() + ": buckets not cumulative");
                }
                last = b.value();
                lastLe = le;
                if (Double.isInfinite(le)) {
                    inf = b;
                }
            }
            if (inf == null) {
                throw new IllegalArgumentException(f.name() + e.getKey() + ": no +Inf bucket");
            }
            if (!Objects.equals(counts.get(e.getKey()), inf.value())) {
                throw new IllegalArgumentException(f.name() + e.getKey() + ": +Inf bucket differs from _count");
            }
        }
    }

    private static Sample sample(String line, String where) {
        int i = 0;
        while (i < line.length() && line.charAt(i) != '{' && line.charAt(i) != ' ') {
            i++;
        }
        String name = line.substring(0, i);
        check(METRIC, name, where);
        Map<String, String> labels = new LinkedHashMap<>();
        if (i < line.length() && line.charAt(i) == '{') {
            i++;
            while (true) {
                if (i >= line.length()) {
                    throw new IllegalArgumentException(where + "unterminated labels");
                }
                if (line.charAt(i) == '}') {
                    i++;
                    break;
                }
                int eq = line.indexOf('=', i);
                if (eq < 0) {
                    throw new IllegalArgumentException(where + "label without =");
                }
                String label = line.substring(i, eq);
                check(LABEL, label, where);
                if (eq + 1 >= line.length() || line.charAt(eq + 1) != '"') {
                    throw new IllegalArgumentException(where + "label value not quoted");
                }
                int j = eq + 2;
                StringBuilder raw = new StringBuilder();
                while (true) {
                    if (j >= line.length()) {
                        throw new IllegalArgumentException(where + "unterminated label value");
                    }
                    char c = line.charAt(j);
                    if (c == '\\') {
                        if (j + 1 >= line.length()) {
                            throw new IllegalArgumentException(where + "dangling escape");
                        }
                        raw.append(c).append(line.charAt(j + 1));
                        j += 2;
                        continue;
                    }
                    if (c == '"') {
                        break;
                    }
                    raw.append(c);
                    j++;
                }
                if (labels.put(label, unescape(raw.toString(), true, where)) != null) {
                    throw new IllegalArgumentException(where + "label " + label + " twice");
                }
                i = j + 1;
                if (i < line.length() && line.charAt(i) == ',') {
                    i++;
                } else if (i >= line.length() || line.charAt(i) != '}') {
                    throw new IllegalArgumentException(where + "expected , or } after a label");
                }
            }
        }
        if (i >= line.length() || line.charAt(i) != ' ') {
            throw new IllegalArgumentException(where + "expected one space before the value");
        }
        String[] rest = line.substring(i + 1).split(" ", -1);
        if (rest.length < 1 || rest.length > 2 || rest[0].isEmpty()) {
            throw new IllegalArgumentException(where + "expected a value and an optional timestamp");
        }
        double value = number(rest[0], where);
        if (rest.length == 2 && !rest[1].matches("-?[0-9]+")) {
            throw new IllegalArgumentException(where + "bad timestamp");
        }
        return new Sample(name, labels, value);
    }

    private static double number(String s, String where) {
        switch (s) {
            case "+Inf": return Double.POSITIVE_INFINITY;
            case "-Inf": return Double.NEGATIVE_INFINITY;
            case "NaN": return Double.NaN;
            default:
                if (!s.matches("[+-]?([0-9]+(\\.[0-9]*)?|\\.[0-9]+)([eE][+-]?[0-9]+)?")) {
                    throw new IllegalArgumentException(where + "not a float: " + s);
                }
                return Double.parseDouble(s);
        }
    }

    private static String unescape(String s, boolean labelValue, String where) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c != '\\') {
                b.append(c);
                continue;
            }
            if (i + 1 >= s.length()) {
                throw new IllegalArgumentException(where + "dangling escape");
            }
            char e = s.charAt(++i);
            switch (e) {
                case '\\' -> b.append('\\');
                case 'n' -> b.append('\n');
                case '"' -> {
                    if (!labelValue) {
                        throw new IllegalArgumentException(where + "\\\" in a HELP text");
                    }
                    b.append('"');
                }
                default -> throw new IllegalArgumentException(where + "bad escape \\" + e);
            }
        }
        return b.toString();
    }

    private static void check(Pattern p, String s, String where) {
        if (!p.matcher(s).matches()) {
            throw new IllegalArgumentException(where + "bad name '" + s + "'");
        }
    }
}
