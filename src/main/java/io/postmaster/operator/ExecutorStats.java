package io.postmaster.operator;

import java.util.concurrent.Executor;
import java.util.concurrent.ThreadPoolExecutor;

/**
 * The extensions' executor as the metrics and readiness see it.
 *
 * @param queued     tasks waiting
 * @param capacity   tasks that may wait ({@code postmaster.executor-queue}); 0 when unknown
 * @param active     threads running a task
 * @param threads    threads that may run ({@code postmaster.executor-threads})
 * @param rejections tasks refused because the queue was full, since the start
 */
public record ExecutorStats(int queued, int capacity, int active, int threads, long rejections) {

    /** Reads a pool: exact for a {@link ThreadPoolExecutor} and the managed lane, zeros for any other executor. */
    public static ExecutorStats of(Executor executor, long rejections) {
        if (executor instanceof ThreadPoolExecutor p) {
            int queued = p.getQueue().size();
            return new ExecutorStats(queued, queued + p.getQueue().remainingCapacity(), p.getActiveCount(),
                    p.getMaximumPoolSize(), rejections);
        }
        if (executor instanceof io.postmaster.endpoint.ManagedLane m) {
            return new ExecutorStats(m.queued(), m.capacity(), m.active(), m.threads(), rejections);
        }
        return new ExecutorStats(0, 0, 0, 0, rejections);
    }

    /** Whether no more task may wait: the next would be refused. */
    public boolean saturated() {
        return capacity > 0 && queued >= capacity;
    }
}
