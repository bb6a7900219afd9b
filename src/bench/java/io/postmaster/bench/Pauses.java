package io.postmaster.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The safepoints of a JVM over a measuring window, read from its log ({@code -Xlog:safepoint:file=F:timemillis}, as
 * the bench starts WildFly and the pom starts this load client): every stop of all Java threads, a garbage
 * collection's included. Used to tell which slow calls a pause of the router, or of the load client itself, explains.
 */
final class Pauses {
    /** {@code [1733437000123ms] Safepoint "G1CollectForAllocation", Time since last: ..., Total: 1456789 ns} */
    private static final Pattern LINE = Pattern.compile("^\\[(\\d+)ms\\].*Safepoint \"([^\"]+)\".*Total: (\\d+) ns");

    /** One stop: its wall-clock start and end in ms (fractional), and what it was for. */
    record Pause(double startMs, double endMs, String operation) {
        double ms() {
            return endMs - startMs;
        }
    }

    private final List<Pause> pauses;
    /** Whether there was a log to read: a router that is no JVM has none. */
    private final boolean known;

    private Pauses(List<Pause> pauses, boolean known) {
        this.pauses = pauses;
        this.known = known;
    }

    /** The stops logged in {@code log} that ended between {@code fromMs} and {@code toMs} (wall clock); none if no log. */
    static Pauses read(Path log, long fromMs, long toMs) {
        List<Pause> out = new ArrayList<>();
        if (log == null || !Files.isRegularFile(log)) {
            return new Pauses(out, false);
        }
        try {
            for (String line : Files.readAllLines(log)) {
                Matcher m = LINE.matcher(line);
                if (m.find()) {
                    // the line is written when the stop ends; its time stamp has ms resolution
                    double end = Long.parseLong(m.group(1));
                    double ms = Long.parseLong(m.group(3)) / 1e6;
                    if (end >= fromMs && end - ms <= toMs) {
                        out.add(new Pause(end - ms, end, m.group(2)));
                    }
                }
            }
        } catch (IOException | RuntimeException e) {
            // a log being rotated or written: no pauses known
            return new Pauses(List.of(), false);
        }
        return new Pauses(out, true);
    }

    int count() {
        return pauses.size();
    }

    /** All stops together, ms; NaN without a log. */
    double totalMs() {
        return known ? pauses.stream().mapToDouble(Pause::ms).sum() : Double.NaN;
    }

    double maxMs() {
        return pauses.stream().mapToDouble(Pause::ms).max().orElse(0);
    }

    /**
     * Whether the interval {@code [fromMs, toMs]} (wall clock) overlaps a stop, widened by a millisecond each side for
     * the time stamps' resolution.
     */
    boolean overlaps(double fromMs, double toMs) {
        for (Pause p : pauses) {
            if (p.startMs() - 1 <= toMs && p.endMs() + 1 >= fromMs) {
                return true;
            }
        }
        return false;
    }

    /** "n (total ms, longest ms)". */
    String summary() {
        if (!known) {
            return "–";
        }
        return String.format(Locale.ROOT, "%d (%.1f ms, longest %.2f)", count(), totalMs(), maxMs());
    }
}
