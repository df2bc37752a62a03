package dev.agentsre.testing;

import dev.agentsre.internal.Check;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.PriorityQueue;
import java.util.concurrent.AbstractExecutorService;
import java.util.concurrent.Callable;
import java.util.concurrent.CancellationException;
import java.util.concurrent.Delayed;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A {@link ScheduledExecutorService} in virtual time: tasks run on the caller's thread when
 * {@link #advanceTo} moves its {@link ManualClock} past their due time, in due order (ties in the
 * order scheduled), with the clock set to each task's due time while it runs. For simulations
 * (a day of traffic in a second) and tests: nothing waits and nothing sleeps. Periodic tasks are
 * supported; {@link #execute} runs the task at once on the caller's thread. Give it to a component
 * that schedules (the pipeline's asynchronous deadlines, an SLO evaluator, an alert manager).
 *
 * <pre>{@code
 * ManualClock clock = ManualClock.at(start);
 * ManualScheduler scheduler = new ManualScheduler(clock);
 * AlertManager alerts = AlertManager.builder()...clock(clock).scheduler(scheduler).build();
 * scheduler.advance(Duration.ofMinutes(5));   // every flush and delivery due within 5 minutes runs now
 * }</pre>
 *
 * <p>Thread-safe to schedule from any thread; advance from one thread at a time. Memory: one small
 * object per pending task; cancelled tasks are dropped when their time comes.
 */
public class ManualScheduler extends AbstractExecutorService implements ScheduledExecutorService {

    private final ManualClock clock;
    private final PriorityQueue<Task<?>> queue = new PriorityQueue<>();
    private final AtomicLong sequence = new AtomicLong();
    private volatile boolean shutdown;

    /** A scheduler on {@code clock}. */
    public ManualScheduler(ManualClock clock) {
        this.clock = Check.notNull("clock", clock);
    }

    /** The clock it moves. */
    public ManualClock clock() {
        return clock;
    }

    /** Moves the clock to {@code target}, running every task due on the way at its due time. */
    public void advanceTo(Instant target) {
        long end = target.toEpochMilli();
        while (true) {
            Task<?> next;
            synchronized (this) {
                next = queue.peek();
                if (next == null || next.dueMillis > end) {
                    break;
                }
                queue.poll();
            }
            if (!next.cancelled) {
                clock.set(Instant.ofEpochMilli(Math.max(clock.millis(), next.dueMillis)));
                next.run();
            }
        }
        clock.set(target.isBefore(clock.instant()) ? clock.instant() : target);
    }

    /** Moves the clock forward by {@code amount} ({@link #advanceTo}). */
    public void advance(Duration amount) {
        advanceTo(clock.instant().plus(amount));
    }

    /** Runs the tasks due now (and those they schedule for now) without moving the clock. */
    public void runDue() {
        advanceTo(clock.instant());
    }

    /** Tasks waiting (cancelled ones not counted). */
    public synchronized int pending() {
        return (int) queue.stream().filter(t -> !t.cancelled).count();
    }

    @Override
    public ScheduledFuture<?> schedule(Runnable command, long delay, TimeUnit unit) {
        Check.notNull("command", command);
        return enqueue(() -> {
            command.run();
            return null;
        }, unit.toMillis(delay), 0, false);
    }

    @Override
    public <V> ScheduledFuture<V> schedule(Callable<V> callable, long delay, TimeUnit unit) {
        return enqueue(Check.notNull("callable", callable), unit.toMillis(delay), 0, false);
    }

    @Override
    public ScheduledFuture<?> scheduleAtFixedRate(Runnable command, long initialDelay, long period, TimeUnit unit) {
        return periodic(command, initialDelay, period, unit, true);
    }

    @Override
    public ScheduledFuture<?> scheduleWithFixedDelay(Runnable command, long initialDelay, long delay, TimeUnit unit) {
        return periodic(command, initialDelay, delay, unit, false);
    }

    private ScheduledFuture<?> periodic(Runnable command, long initialDelay, long period, TimeUnit unit, boolean fixedRate) {
        Check.notNull("command", command);
        if (period <= 0) {
            throw new IllegalArgumentException("period must be positive, got " + period + " " + unit);
        }
        return enqueue(() -> {
            command.run();
            return null;
        }, unit.toMillis(initialDelay), unit.toMillis(period), fixedRate);
    }

    private synchronized <V> ScheduledFuture<V> enqueue(Callable<V> callable, long delayMillis, long periodMillis, boolean fixedRate) {
        if (shutdown) {
            throw new java.util.concurrent.RejectedExecutionException("scheduler is shut down");
        }
        Task<V> task = new Task<>(callable, clock.millis() + Math.max(0, delayMillis), periodMillis, fixedRate, sequence.incrementAndGet());
        queue.add(task);
        return task;
    }

    private synchronized void requeue(Task<?> task) {
        if (!shutdown && !task.cancelled) {
            queue.add(task);
        }
    }

    /** Runs {@code command} now, on the caller's thread. */
    @Override
    public void execute(Runnable command) {
        command.run();
    }

    @Override
    public void shutdown() {
        shutdown = true;
    }

    @Override
    public synchronized List<Runnable> shutdownNow() {
        shutdown = true;
        queue.clear();
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
        private final Callable<V> callable;
        private final long periodMillis;
        private final boolean fixedRate;
        volatile long dueMillis;
        private volatile long order;
        volatile boolean cancelled;
        private volatile boolean done;
        private volatile V result;
        private volatile Throwable failure;

        Task(Callable<V> callable, long dueMillis, long periodMillis, boolean fixedRate, long order) {
            this.callable = callable;
            this.dueMillis = dueMillis;
            this.periodMillis = periodMillis;
            this.fixedRate = fixedRate;
            this.order = order;
        }

        @Override
        public void run() {
            try {
                result = callable.call();
            } catch (Exception e) {
                failure = e;
                if (periodMillis == 0) {
                    throw new IllegalStateException("a scheduled task failed", e);
                }
                done = true; // a periodic task that throws is not run again, as with ScheduledThreadPoolExecutor
                return;
            }
            if (periodMillis > 0 && !cancelled) {
                dueMillis = fixedRate ? dueMillis + periodMillis : clock.millis() + periodMillis;
                order = sequence.incrementAndGet();
                requeue(this);
            } else {
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
            boolean wasPending = !done && !cancelled;
            cancelled = true;
            return wasPending;
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
        public V get() throws ExecutionException {
            if (cancelled) {
                throw new CancellationException();
            }
            if (failure != null) {
                throw new ExecutionException(failure);
            }
            return result;
        }

        @Override
        public V get(long timeout, TimeUnit unit) throws ExecutionException {
            return get();
        }
    }
}
