package dev.agentsre.internal.window;

import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongFunction;

/**
 * Counts events and bad events in the current period of a calendar (periods are given by a
 * function from an instant to the period containing it, and only computed when a period ends).
 *
 * <p><b>Monotonic.</b> The current period only ever moves forward: a writer whose clock reads a
 * later period replaces the counts with those of the new period (one CAS, only to a later period);
 * a writer whose clock reads an earlier period (a clock stepped back, a thread stalled across the
 * boundary) counts into the current period, so an ended period is never reopened. Good and bad
 * events are counted apart (total = good + bad), so a read never sees more bad events than events.
 *
 * <p><b>Cost.</b> Recording is a volatile read, a compare and one {@link LongAdder} add per kind of
 * event (striped under contention, so threads sharing a budget do not serialise on it); the period
 * function runs once per period. Memory: one period object with two adders, whose cells grow under
 * contention to at most one per processor (as {@link LongAdder}'s).
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
        if (total - bad != 0) {
            counts.good.add(total - bad);
        }
        if (bad != 0) {
            counts.bad.add(bad);
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
        long bad = counts.bad.sum();
        return new Reading(counts.start, counts.end, counts.good.sum() + bad, bad);
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
        final LongAdder good = new LongAdder();
        final LongAdder bad = new LongAdder();

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
