package dev.agentsre.internal.window;

import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.LongFunction;

/**
 * Counts events and bad events in the current period of a calendar (periods are given by a
 * function from an instant to the period containing it, and only computed when a period ends).
 *
 * <p><b>Monotonic.</b> The current period only ever moves forward: a writer whose clock reads a
 * later period replaces the counts with those of the new period (one CAS, only to a later period);
 * a writer whose clock reads an earlier period (a clock stepped back, a thread stalled across the
 * boundary) counts into the current period, so an ended period is never reopened. Writers add to
 * the total before the bad count and readers read the bad count first, so a read never sees more
 * bad events than events.
 *
 * <p><b>Cost.</b> Recording is a volatile read, a compare and one or two atomic increments; the
 * period function runs once per period. Memory: one period object (four {@code long}s).
 */
public final class PeriodCounter {

    private final LongFunction<long[]> periodAt;
    private final AtomicReference<Counts> current;

    /**
     * A counter over the periods {@code periodAt} returns: for an instant in epoch milliseconds,
     * {@code {start, end}} of the period containing it (start inclusive, end exclusive).
     */
    public PeriodCounter(LongFunction<long[]> periodAt, long nowMillis) {
        this.periodAt = periodAt;
        this.current = new AtomicReference<>(newCounts(nowMillis));
    }

    /** Records {@code total} events of which {@code bad} were bad, at {@code nowMillis}. */
    public void record(long nowMillis, long total, long bad) {
        Counts counts = countsFor(nowMillis);
        counts.total.addAndGet(total);
        if (bad != 0) {
            counts.bad.addAndGet(bad);
        }
    }

    /**
     * The counts of the period containing {@code nowMillis} (zero when that period has not been
     * recorded into yet) and its bounds; a pure read.
     */
    public Reading read(long nowMillis) {
        Counts counts = current.get();
        if (nowMillis >= counts.end) {
            long[] period = periodAt.apply(nowMillis);
            return new Reading(period[0], period[1], 0, 0);
        }
        long bad = counts.bad.get();
        long total = counts.total.get();
        return new Reading(counts.start, counts.end, total, Math.min(bad, total));
    }

    private Counts countsFor(long nowMillis) {
        Counts counts = current.get();
        while (nowMillis >= counts.end) {
            Counts next = newCounts(nowMillis);
            if (current.compareAndSet(counts, next)) {
                return next;
            }
            counts = current.get(); // another writer rolled over; to this period or a later one
        }
        return counts;
    }

    private Counts newCounts(long nowMillis) {
        long[] period = periodAt.apply(nowMillis);
        if (!(period[0] <= nowMillis && nowMillis < period[1])) {
            throw new IllegalStateException("period [" + period[0] + ", " + period[1] + ") does not contain " + nowMillis);
        }
        return new Counts(period[0], period[1]);
    }

    private static final class Counts {
        final long start;
        final long end;
        final AtomicLong total = new AtomicLong();
        final AtomicLong bad = new AtomicLong();

        Counts(long start, long end) {
            this.start = start;
            this.end = end;
        }
    }

    /**
     * The counts of one period.
     *
     * @param startMillis the period's first instant
     * @param endMillis the first instant after it
     * @param total events recorded in it
     * @param bad bad events among them
     */
    public record Reading(long startMillis, long endMillis, long total, long bad) {
    }
}
