package io.postmaster.metrics;

import java.util.HashSet;
import java.util.Set;

/**
 * Writes the Prometheus text exposition format, version 0.0.4: per metric family one {@code # HELP} and one
 * {@code # TYPE} line, then its samples, each line ending in {@code \n}. Label values and help texts are escaped as
 * the format says ({@code \\}, {@code \"}, {@code \n}). A family is declared once; declaring it again is a bug.
 */
public final class Exposition {
    /** The content type of the text format. */
    public static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

    private final StringBuilder out = new StringBuilder(8192);
    private final Set<String> families = new HashSet<>();

    /** Starts a family: {@code type} is counter, gauge, histogram, summary or untyped. */
    public Exposition family(String name, String type, String help) {
        if (!families.add(name)) {
            throw new IllegalStateException("metric family declared twice: " + name);
        }
        out.append("# HELP ").append(name).append(' ');
        escape(help, false);
        out.append('\n').append("# TYPE ").append(name).append(' ').append(type).append('\n');
        return this;
    }

    /** A sample without labels. */
    public Exposition sample(String name, double value) {
        out.append(name).append(' ');
        number(value);
        out.append('\n');
        return this;
    }

    /** A sample with labels given as name, value, name, value … */
    public Exposition sample(String name, double value, String... labels) {
        if (labels.length == 0) {
            return sample(name, value);
        }
        if (labels.length % 2 != 0) {
            throw new IllegalArgumentException("labels come in name, value pairs");
        }
        out.append(name).append('{');
        for (int i = 0; i < labels.length; i += 2) {
            if (i > 0) {
                out.append(',');
            }
            out.append(labels[i]).append("=\"");
            escape(labels[i + 1], true);
            out.append('"');
        }
        out.append("} ");
        number(value);
        out.append('\n');
        return this;
    }

    /** A histogram's samples ({@code _bucket} per bound and +Inf, {@code _sum}, {@code _count}) with these labels. */
    public Exposition histogram(String name, Histogram h, String... labels) {
        long[] counts = h.cumulative();
        String[] withLe = new String[labels.length + 2];
        System.arraycopy(labels, 0, withLe, 0, labels.length);
        withLe[labels.length] = "le";
        for (int i = 0; i < counts.length; i++) {
            withLe[labels.length + 1] = i < Histogram.BOUNDS.length ? format(Histogram.BOUNDS[i]) : "+Inf";
            sample(name + "_bucket", counts[i], withLe);
        }
        sample(name + "_sum", h.sumSeconds(), labels);
        sample(name + "_count", counts[counts.length - 1], labels);
        return this;
    }

    /** The text written so far. */
    public String text() {
        return out.toString();
    }

    private void number(double v) {
        out.append(format(v));
    }

    /** A value as the format spells it: integers without a fraction, +Inf, -Inf, NaN. */
    static String format(double v) {
        if (Double.isNaN(v)) {
            return "NaN";
        }
        if (Double.isInfinite(v)) {
            return v > 0 ? "+Inf" : "-Inf";
        }
        if (v == Math.rint(v) && Math.abs(v) < 1e15) {
            return Long.toString((long) v);
        }
        return Double.toString(v);
    }

    private void escape(String s, boolean quote) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '"' -> out.append(quote ? "\\\"" : "\"");
                default -> out.append(c);
            }
        }
    }
}
