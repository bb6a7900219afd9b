package io.postmaster.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What the benchmark and the soak command read about a router process and the machine (Linux {@code /proc},
 * {@code ss}, {@code jcmd}), and their settings (system properties).
 */
final class Procs {
    /** USER_HZ: the unit of utime and stime in /proc/PID/stat. 100 on every Linux this runs on. */
    static final int CLK_TCK = 100;

    private static final java.util.concurrent.atomic.AtomicInteger HISTOGRAMS = new java.util.concurrent.atomic.AtomicInteger();

    private Procs() {
    }

    record Memory(long heapKiB, long rssKiB) {
    }

    /** utime + stime of the process (all its threads), in clock ticks. */
    static long cpuTicks(long pid) {
        long[] t = ticks(pid);
        return t[0] + t[1];
    }

    /** utime of the process (all its threads), in clock ticks: its CPU outside the kernel. */
    static long userTicks(long pid) {
        return ticks(pid)[0];
    }

    /** stime alone: the router's CPU spent in the kernel (socket reads and writes, epoll, wake-ups). */
    static long systemTicks(long pid) {
        return ticks(pid)[1];
    }

    /** utime and stime of the process, fields 14 and 15 of stat(5), in clock ticks. */
    private static long[] ticks(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return new long[] {Long.parseLong(f[11]), Long.parseLong(f[12])};
        } catch (IOException e) {
            throw new IllegalStateException("router process " + pid + " is gone", e);
        }
    }

    /**
     * On-CPU time of each thread of {@code pid} in nanoseconds, by thread id, with the thread's name: the first field
     * of {@code /proc/<pid>/task/<tid>/schedstat} (the scheduler's own count, finer than the ticks of stat), for
     * windows of milliseconds.
     */
    static java.util.Map<Long, ThreadCpu> threadCpu(long pid) {
        java.util.Map<Long, ThreadCpu> out = new java.util.HashMap<>();
        try (var tasks = Files.list(Path.of("/proc/" + pid + "/task"))) {
            for (Path task : (Iterable<Path>) tasks::iterator) {
                try {
                    String sched = Files.readString(task.resolve("schedstat"));
                    String comm = Files.readString(task.resolve("comm")).trim();
                    out.put(Long.parseLong(task.getFileName().toString()),
                            new ThreadCpu(comm, Long.parseLong(sched.substring(0, sched.indexOf(' ')))));
                } catch (IOException | RuntimeException e) {
                    // the thread ended meanwhile
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException("process " + pid + " is gone", e);
        }
        return out;
    }

    record ThreadCpu(String name, long nanos) {
    }

    /**
     * What the threads of a process spent between two {@link #threadCpu} readings: all, the busiest thread, and the
     * busiest few as "name ms" for the log.
     */
    record CpuSpent(double totalMs, double busiestMs, String busiest, String top) {
        static CpuSpent between(java.util.Map<Long, ThreadCpu> before, java.util.Map<Long, ThreadCpu> after) {
            long total = 0;
            List<java.util.Map.Entry<String, Long>> spent = new java.util.ArrayList<>();
            for (var e : after.entrySet()) {
                ThreadCpu b = before.get(e.getKey());
                long d = e.getValue().nanos() - (b == null ? 0 : b.nanos());
                total += d;
                if (d > 0) {
                    spent.add(java.util.Map.entry(e.getValue().name(), d));
                }
            }
            spent.sort(java.util.Map.Entry.<String, Long>comparingByValue().reversed());
            StringBuilder top = new StringBuilder();
            for (int i = 0; i < Math.min(4, spent.size()); i++) {
                top.append(i == 0 ? "" : ", ").append('\'').append(spent.get(i).getKey()).append("' ")
                        .append(String.format(java.util.Locale.ROOT, "%.1f", spent.get(i).getValue() / 1e6));
            }
            return spent.isEmpty() ? new CpuSpent(total / 1e6, 0, "", "")
                    : new CpuSpent(total / 1e6, spent.get(0).getValue() / 1e6, spent.get(0).getKey(), top.toString());
        }

        @Override
        public String toString() {
            return String.format(java.util.Locale.ROOT, "%.1f ms CPU (%s)", totalMs, top);
        }
    }

    static double cpuPercent(long ticks, double seconds) {
        return 100.0 * ticks / CLK_TCK / seconds;
    }

    static long rssKiB(long pid) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("\\D", ""));
                }
            }
        } catch (IOException e) {
            // gone
        }
        return -1;
    }

    /**
     * RSS, and for a JVM the live heap: the total of {@code jcmd GC.class_histogram}, which counts live objects only
     * (it runs a full GC first). GC.heap_info's "used" right after GC.run proved unreliable here (G1 reported less
     * than the sessions' own objects), so the histogram is the measure.
     */
    static Memory memory(long pid, boolean jvm) throws Exception {
        long heap = -1;
        if (jvm) {
            String histogram = run(List.of("jcmd", Long.toString(pid), "GC.class_histogram"));
            // kept for diffing (what a session costs, by class): target/bench/histogram-<pid>-<n>.txt
            Files.writeString(Path.of(System.getProperty("bench.dir", "target/bench"),
                    "histogram-" + pid + "-" + HISTOGRAMS.incrementAndGet() + ".txt"), histogram);
            Matcher m = Pattern.compile("(?m)^Total\\s+\\d+\\s+(\\d+)").matcher(histogram);
            if (m.find()) {
                heap = Long.parseLong(m.group(1)) / 1024;
            }
        }
        return new Memory(heap, rssKiB(pid));
    }

    /**
     * What each thread of a JVM alive now has allocated so far, in bytes, by its native id: {@code allocated=} in
     * {@code jcmd Thread.print -e} (the thread dump stops the JVM briefly).
     */
    static java.util.Map<String, Long> allocatedBytes(long pid) throws Exception {
        String dump = run(List.of("jcmd", Long.toString(pid), "Thread.print", "-e"));
        Matcher m = Pattern.compile(" allocated=(\\d+)([BKMG]) .*? nid=(0x[0-9a-f]+)").matcher(dump);
        java.util.Map<String, Long> out = new java.util.HashMap<>();
        while (m.find()) {
            long v = Long.parseLong(m.group(1));
            out.put(m.group(3), switch (m.group(2)) {
                case "K" -> v << 10;
                case "M" -> v << 20;
                case "G" -> v << 30;
                default -> v;
            });
        }
        return out;
    }

    /** What the threads allocated between two {@link #allocatedBytes} readings (threads ended meanwhile: unknown). */
    static long allocatedBetween(java.util.Map<String, Long> before, java.util.Map<String, Long> after) {
        long total = 0;
        for (java.util.Map.Entry<String, Long> e : after.entrySet()) {
            total += Math.max(0, e.getValue() - before.getOrDefault(e.getKey(), 0L));
        }
        return total;
    }

    /**
     * A JVM's JIT compilations so far: how many, and the compiler threads' time in ms ({@code jstat -compiler}, from
     * the JVM's performance counters: no stop); null if unknown.
     */
    static long[] compilations(long pid) {
        try {
            String[] lines = run(List.of("jstat", "-compiler", Long.toString(pid))).trim().split("\\R");
            String[] f = lines[lines.length - 1].trim().split("\\s+");
            return new long[] {Long.parseLong(f[0]), Math.round(Double.parseDouble(f[3]) * 1000)};
        } catch (Exception e) {
            return null;
        }
    }

    /** The process listening on 127.0.0.1:{@code port}, or -1. */
    static long listeningPid(int port) throws Exception {
        String out = run(List.of("ss", "-ltnpH", "sport = :" + port));
        Matcher m = Pattern.compile("pid=(\\d+)").matcher(out);
        return m.find() ? Long.parseLong(m.group(1)) : -1;
    }

    static String run(List<String> command) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        byte[] out = p.getInputStream().readAllBytes();
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
        }
        return new String(out, StandardCharsets.UTF_8);
    }

    static String firstLine(String path, String prefix) {
        try {
            for (String line : Files.readAllLines(Path.of(path))) {
                if (line.startsWith(prefix)) {
                    return line.substring(line.indexOf(':') + 1).trim();
                }
            }
        } catch (IOException e) {
            // not on this system
        }
        return "?";
    }

    /** The number of CPUs in /proc/cpuinfo, -1 if unknown. */
    static long cores() {
        try {
            return Files.readAllLines(Path.of("/proc/cpuinfo")).stream().filter(l -> l.startsWith("processor")).count();
        } catch (Exception e) {
            return -1;
        }
    }

    /** The 1-minute load average, "?" if unknown. */
    static String loadAverage() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).split(" ")[0];
        } catch (Exception e) {
            return "?";
        }
    }

    /** A setting: the system property {@code key}, {@code def} if unset, blank or an unresolved Maven {@code ${...}}. */
    static String prop(String key, String def) {
        String v = System.getProperty(key);
        return v == null || v.isBlank() || v.startsWith("${") ? def : v;
    }

    static int intProp(String key, int def) {
        return Integer.parseInt(prop(key, Integer.toString(def)));
    }
}
