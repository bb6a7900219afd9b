package io.postmaster.router;

import org.junit.jupiter.api.Test;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** A session's lane: its tasks run one at a time in submission order, whatever arrives while one runs. */
class SerialExecutorTest {
    /** Runs what it is given when told to: the test decides when the lane's drain runs. */
    private static final class StepPool implements Executor {
        final ArrayDeque<Runnable> started = new ArrayDeque<>();

        @Override
        public void execute(Runnable r) {
            started.add(r);
        }

        void runAll() {
            for (Runnable r; (r = started.poll()) != null; ) {
                r.run();
            }
        }
    }

    @Test
    void tasksRunInSubmissionOrderAlsoWhenSubmittedWhileTheLaneRuns() {
        StepPool pool = new StepPool();
        SerialExecutor lane = new SerialExecutor(pool);
        List<Integer> ran = new ArrayList<>();
        lane.execute(() -> {
            ran.add(1);
            lane.execute(() -> ran.add(4)); // queued behind 2 and 3
        });
        lane.execute(() -> ran.add(2));
        lane.execute(() -> {
            ran.add(3);
            lane.execute(() -> ran.add(5));
        });
        assertEquals(1, pool.started.size(), "one drain per lane at a time");
        pool.runAll();
        assertEquals(List.of(1, 2, 3, 4, 5), ran);

        lane.execute(() -> ran.add(6)); // the lane went idle: a new drain starts
        lane.execute(() -> ran.add(7));
        pool.runAll();
        assertEquals(List.of(1, 2, 3, 4, 5, 6, 7), ran);
    }

    @Test
    void aTaskAfterOneWaitingAloneKeepsItsTurn() {
        StepPool pool = new StepPool();
        SerialExecutor lane = new SerialExecutor(pool);
        List<Integer> ran = new ArrayList<>();
        lane.execute(() -> {
            ran.add(1);
            lane.execute(() -> {
                ran.add(3);
                lane.execute(() -> ran.add(5));
                lane.execute(() -> ran.add(6));
            });
            lane.execute(() -> ran.add(4));
        });
        lane.execute(() -> ran.add(2));
        pool.runAll();
        assertEquals(List.of(1, 2, 3, 4, 5, 6), ran);
    }

    @Test
    void aFailingTaskDoesNotStopTheLaneAndARefusedStartDropsWhatWaited() {
        StepPool pool = new StepPool();
        SerialExecutor lane = new SerialExecutor(pool);
        List<Integer> ran = new ArrayList<>();
        lane.execute(() -> {
            throw new IllegalStateException("test");
        });
        lane.execute(() -> ran.add(2));
        pool.runAll();
        assertEquals(List.of(2), ran);

        SerialExecutor refused = new SerialExecutor(r -> {
            throw new RejectedExecutionException("stopping");
        });
        assertThrows(RejectedExecutionException.class, () -> refused.execute(() -> ran.add(9)));
        SerialExecutor later = new SerialExecutor(pool);
        later.execute(() -> ran.add(3));
        pool.runAll();
        assertEquals(List.of(2, 3), ran);
    }
}
