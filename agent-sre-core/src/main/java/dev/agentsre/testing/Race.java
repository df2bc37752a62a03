package dev.agentsre.testing;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * Runs the same task on many threads released at the same instant, and waits for all of them: the
 * shape of a concurrency test with an exact invariant (eight threads reserving against a $10 budget,
 * exactly ten grants).
 *
 * <pre>{@code
 * Race.run(8, thread -> { for (int i = 0; i < 20; i++) guard.reserve("agent", "t-" + thread + "-" + i, 1.00); });
 * }</pre>
 */
public final class Race {

    /** A task run by each racing thread; {@code thread} is its index, 0-based. */
    @FunctionalInterface
    public interface Task {
        void run(int thread) throws Exception;
    }

    private Race() {
    }

    /**
     * Runs {@code task} on {@code threads} threads started together and waits (at most 120 s) for all.
     *
     * @throws ExecutionException wrapping the first failure of a racing thread
     * @throws AssertionError if a thread has not finished within 120 s
     */
    public static void run(int threads, Task task) throws InterruptedException, ExecutionException {
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<?>> futures = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int index = t;
                futures.add(pool.submit(() -> {
                    start.await();
                    task.run(index);
                    return null;
                }));
            }
            start.countDown();
            for (Future<?> future : futures) {
                try {
                    future.get(120, TimeUnit.SECONDS);
                } catch (java.util.concurrent.TimeoutException e) {
                    throw new AssertionError("a racing thread did not finish within 120 s", e);
                }
            }
        } finally {
            pool.shutdownNow();
        }
    }
}
