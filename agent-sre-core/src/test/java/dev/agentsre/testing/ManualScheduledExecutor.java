package dev.agentsre.testing;

import dev.agentsre.time.ManualClock;
import java.time.Instant;
import java.util.List;
import java.util.PriorityQueue;
import java.util.concurrent.AbstractExecutorService;
import java.util.concurrent.Callable;
import java.util.concurrent.Delayed;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A {@link ScheduledExecutorService} driven by a {@link ManualClock}: scheduled tasks run on the
 * test's thread when {@link #advanceTo} moves the clock past their due time, in due order. No
 * threads, no sleeping. Only one-shot scheduling is supported.
 */
public final class ManualScheduledExecutor extends AbstractExecutorService implements ScheduledExecutorService {

    private final ManualClock clock;
    private final PriorityQueue<Task<?>> queue = new PriorityQueue<>();
    private final AtomicLong sequence = new AtomicLong();
    private boolean shutdown;

    public ManualScheduledExecutor(ManualClock clock) {
        this.clock = clock;
    }

    /** Moves the clock to {@code target}, running every task due on the way at its due time. */
    public void advanceTo(Instant target) {
        while (true) {
            Task<?> next;
            synchronized (this) {
                next = queue.peek();
                if (next == null || next.dueMillis > target.toEpochMilli()) {
                    break;
                }
                queue.poll();
            }
            if (!next.cancelled) {
                clock.set(Instant.ofEpochMilli(Math.max(clock.millis(), next.dueMillis)));
                next.run();
            }
        }
        clock.set(target);
    }

    /** Tasks waiting. */
    public synchronized int pending() {
        return (int) queue.stream().filter(t -> !t.cancelled).count();
    }

    @Override
    public synchronized ScheduledFuture<?> schedule(Runnable command, long delay, TimeUnit unit) {
        return enqueue(() -> {
            command.run();
            return null;
        }, delay, unit);
    }

    @Override
    public synchronized <V> ScheduledFuture<V> schedule(Callable<V> callable, long delay, TimeUnit unit) {
        return enqueue(callable, delay, unit);
    }

    private <V> ScheduledFuture<V> enqueue(Callable<V> callable, long delay, TimeUnit unit) {
        Task<V> task = new Task<>(callable, clock.millis() + unit.toMillis(delay), sequence.incrementAndGet());
        queue.add(task);
        return task;
    }

    @Override
    public ScheduledFuture<?> scheduleAtFixedRate(Runnable command, long initialDelay, long period, TimeUnit unit) {
        throw new UnsupportedOperationException("one-shot scheduling only");
    }

    @Override
    public ScheduledFuture<?> scheduleWithFixedDelay(Runnable command, long initialDelay, long delay, TimeUnit unit) {
        throw new UnsupportedOperationException("one-shot scheduling only");
    }

    @Override
    public void execute(Runnable command) {
        command.run();
    }

    @Override
    public void shutdown() {
        shutdown = true;
    }

    @Override
    public List<Runnable> shutdownNow() {
        shutdown = true;
        return List.of();
    }

    @Override
    public boolean isShutdown() {
        return shutdown;
    }

    @Override
    public boolean isTerminated() {
        return shutdown;
    }

    @Override
    public boolean awaitTermination(long timeout, TimeUnit unit) {
        return true;
    }

    private final class Task<V> implements ScheduledFuture<V>, Runnable {
        final Callable<V> callable;
        final long dueMillis;
        final long order;
        volatile boolean cancelled;
        volatile boolean done;
        V result;

        Task(Callable<V> callable, long dueMillis, long order) {
            this.callable = callable;
            this.dueMillis = dueMillis;
            this.order = order;
        }

        @Override
        public void run() {
            try {
                result = callable.call();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            } finally {
                done = true;
            }
        }

        @Override
        public long getDelay(TimeUnit unit) {
            return unit.convert(dueMillis - clock.millis(), TimeUnit.MILLISECONDS);
        }

        @Override
        public int compareTo(Delayed other) {
            Task<?> o = (Task<?>) other;
            int byTime = Long.compare(dueMillis, o.dueMillis);
            return byTime != 0 ? byTime : Long.compare(order, o.order);
        }

        @Override
        public boolean cancel(boolean mayInterrupt) {
            cancelled = true;
            return !done;
        }

        @Override
        public boolean isCancelled() {
            return cancelled;
        }

        @Override
        public boolean isDone() {
            return done || cancelled;
        }

        @Override
        public V get() {
            return result;
        }

        @Override
        public V get(long timeout, TimeUnit unit) {
            return result;
        }
    }
}
