package dev.agentsre.breaker;

import dev.agentsre.internal.window.RollingCounter;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The sliding window a breaker measures failure and slow-call rates over. Lock-free; memory fixed
 * at construction (one {@code int} per call for count-based windows, three {@code long}s per
 * second for time-based ones, twice that when slow calls are tracked).
 */
abstract class OutcomeWindow {

    static OutcomeWindow of(CircuitBreakerConfig config) {
        if (config.slidingWindowType == CircuitBreakerConfig.SlidingWindowType.COUNT_BASED) {
            return new CountBased(config.slidingWindowSize);
        }
        return new TimeBased(config.slidingWindowSize, config.slowCallDuration != null);
    }

    abstract void record(long nowMillis, boolean failure, boolean slow);

    abstract Rates read(long nowMillis);

    /** Calls, failed calls and slow calls currently in the window. */
    record Rates(long calls, long failures, long slow) {
        double failureRate() {
            return calls == 0 ? 0.0 : 100.0 * failures / calls;
        }

        double slowRate() {
            return calls == 0 ? 0.0 : 100.0 * slow / calls;
        }
    }

    /**
     * The last {@code size} calls. Each call swaps its outcome into the next slot of a ring and
     * adjusts the running totals by the difference with what it replaced, so the totals always
     * equal the ring's content even when writers race for slots.
     */
    static final class CountBased extends OutcomeWindow {
        private static final int PRESENT = 1;
        private static final int FAILURE = 2;
        private static final int SLOW = 4;

        private final int size;
        private final AtomicIntegerArray outcomes;
        private final AtomicLong cursor = new AtomicLong();
        private final AtomicInteger calls = new AtomicInteger();
        private final AtomicInteger failures = new AtomicInteger();
        private final AtomicInteger slow = new AtomicInteger();

        CountBased(int size) {
            this.size = size;
            this.outcomes = new AtomicIntegerArray(size);
        }

        @Override
        void record(long nowMillis, boolean failure, boolean slowCall) {
            int code = PRESENT | (failure ? FAILURE : 0) | (slowCall ? SLOW : 0);
            int slot = (int) (cursor.getAndIncrement() % size);
            int old = outcomes.getAndSet(slot, code);
            if (old == 0) {
                calls.incrementAndGet();
            }
            int failureDelta = (code & FAILURE) - (old & FAILURE);
            if (failureDelta != 0) {
                failures.addAndGet(failureDelta / FAILURE);
            }
            int slowDelta = (code & SLOW) - (old & SLOW);
            if (slowDelta != 0) {
                slow.addAndGet(slowDelta / SLOW);
            }
        }

        @Override
        Rates read(long nowMillis) {
            return new Rates(calls.get(), failures.get(), slow.get());
        }
    }

    /** The calls of the last {@code seconds} seconds, in one-second buckets. */
    static final class TimeBased extends OutcomeWindow {
        private final long windowMillis;
        private final RollingCounter failures;
        private final RollingCounter slow;

        TimeBased(int seconds, boolean tracksSlow) {
            this.windowMillis = seconds * 1_000L;
            this.failures = new RollingCounter(1_000, seconds);
            this.slow = tracksSlow ? new RollingCounter(1_000, seconds) : null;
        }

        @Override
        void record(long nowMillis, boolean failure, boolean slowCall) {
            failures.record(nowMillis, failure);
            if (slow != null) {
                slow.record(nowMillis, slowCall);
            }
        }

        @Override
        Rates read(long nowMillis) {
            RollingCounter.WindowCounts f = failures.read(windowMillis, nowMillis);
            long slowCalls = slow == null ? 0 : slow.read(windowMillis, nowMillis).bad();
            return new Rates(f.total(), f.bad(), slowCalls);
        }
    }
}
