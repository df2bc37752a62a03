package dev.agentsre.breaker.internal;

import dev.agentsre.breaker.CircuitBreakerConfig;
import dev.agentsre.internal.window.RollingCounter;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.LongAdder;

/**
 * The sliding window a breaker measures failure and slow-call rates over. Lock-free; memory fixed
 * at construction (one {@code long} per call of a count-based window, two when slow calls are
 * tracked; three {@code long}s per second of a time-based one, six with slow calls). Not API.
 */
public abstract class OutcomeWindow {

    /** The window {@code config} asks for. */
    public static OutcomeWindow of(CircuitBreakerConfig config) {
        boolean tracksSlow = config.slowCallDuration() != null;
        if (config.slidingWindowType() == CircuitBreakerConfig.SlidingWindowType.COUNT_BASED) {
            return new CountBased(config.slidingWindowSize(), tracksSlow);
        }
        return new TimeBased(config.slidingWindowSize(), tracksSlow);
    }

    /** Records one call's outcome at {@code nowMillis}. */
    public abstract void record(long nowMillis, boolean failure, boolean slow);

    /** The window's counts at {@code nowMillis}. */
    public abstract Rates read(long nowMillis);

    /**
     * Calls, failed calls and slow calls currently in the window.
     *
     * @param calls calls in the window
     * @param failures failed calls among them
     * @param slow slow calls among them
     */
    public record Rates(long calls, long failures, long slow) {
        /** Failed calls in percent of the calls, 0 when there are none. */
        public double failureRate() {
            return calls == 0 ? 0.0 : 100.0 * failures / calls;
        }

        /** Slow calls in percent of the calls, 0 when there are none. */
        public double slowRate() {
            return calls == 0 ? 0.0 : 100.0 * slow / calls;
        }
    }

    /**
     * The last {@code size} calls. Calls are counted in a striped {@link LongAdder}, so the common
     * case, a fast success, is one uncontended increment. Failures and slow calls are remembered
     * only by their sequence number (the call count when they happened) in rings of {@code size}
     * entries: the failures among the last {@code size} calls are those whose sequence number is
     * greater than {@code calls - size}. Reading is O(size) and only happens after a failure or a
     * slow call, or for a snapshot. Under concurrency a sequence number may be off by the number of
     * calls in flight, which moves an outcome across the window's edge by as much, and a reader
     * preempted for long enough may under-count (never over-count) until the next read.
     */
    static final class CountBased extends OutcomeWindow {
        private final int size;
        private final LongAdder calls = new LongAdder();
        private final SequenceRing failures;
        private final SequenceRing slow;

        CountBased(int size, boolean tracksSlow) {
            this.size = size;
            this.failures = new SequenceRing(size);
            this.slow = tracksSlow ? new SequenceRing(size) : null;
        }

        @Override
        public void record(long nowMillis, boolean failure, boolean slowCall) {
            calls.increment();
            if (failure || slowCall) {
                long sequence = calls.sum();
                if (failure) {
                    failures.add(sequence);
                }
                if (slowCall && slow != null) {
                    slow.add(sequence);
                }
            }
        }

        @Override
        public Rates read(long nowMillis) {
            long total = calls.sum();
            long oldest = total - size; // the window is the sequence numbers in (oldest, total]
            return new Rates(Math.min(total, size), failures.countIn(oldest, total), slow == null ? 0 : slow.countIn(oldest, total));
        }
    }

    /** The sequence numbers of the last {@code size} marked calls. */
    private static final class SequenceRing {
        private final AtomicLongArray sequences;
        private final AtomicLong cursor = new AtomicLong();

        SequenceRing(int size) {
            this.sequences = new AtomicLongArray(size); // 0 = empty; sequences start at 1
        }

        void add(long sequence) {
            sequences.set((int) (cursor.getAndIncrement() % sequences.length()), sequence);
        }

        // The upper bound matters: a reader preempted during the scan must not count entries
        // written after it read the total (they would all look new and push the rate to 100%).
        long countIn(long oldest, long newest) {
            long floor = Math.max(oldest, 0); // 0 marks an empty entry
            long count = 0;
            for (int i = 0; i < sequences.length(); i++) {
                long sequence = sequences.get(i);
                if (sequence > floor && sequence <= newest) {
                    count++;
                }
            }
            return count;
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
        public void record(long nowMillis, boolean failure, boolean slowCall) {
            failures.record(nowMillis, failure);
            if (slow != null) {
                slow.record(nowMillis, slowCall);
            }
        }

        @Override
        public Rates read(long nowMillis) {
            RollingCounter.WindowCounts f = failures.read(windowMillis, nowMillis);
            long slowCalls = slow == null ? 0 : slow.read(windowMillis, nowMillis).bad();
            return new Rates(f.total(), f.bad(), slowCalls);
        }
    }
}
