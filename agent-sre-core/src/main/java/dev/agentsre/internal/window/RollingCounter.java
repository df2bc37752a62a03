package dev.agentsre.internal.window;

import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Rolling count of events and of the bad ones among them, over a ring of time buckets.
 *
 * <p>Recording is O(1) and allocation-free: one atomic increment for a good event, two for a bad
 * one. Reading a window is O(buckets in the window). Memory: three {@code long}s per bucket.
 * See {@link BucketRing} for the concurrency and clock-jump rules.
 */
public final class RollingCounter extends BucketRing {

    private final AtomicLongArray totals;
    private final AtomicLongArray bads;

    /** A ring of {@code size} buckets of {@code bucketMillis} each. */
    public RollingCounter(long bucketMillis, int size) {
        super(bucketMillis, size);
        this.totals = new AtomicLongArray(size);
        this.bads = new AtomicLongArray(size);
    }

    /** Records one event at {@code nowMillis}. */
    public void record(long nowMillis, boolean bad) {
        int slot = slotForWrite(nowMillis);
        if (slot < 0) {
            return;
        }
        totals.incrementAndGet(slot);
        if (bad) {
            bads.incrementAndGet(slot);
        }
    }

    /** Records {@code total} events of which {@code bad} were bad, at {@code nowMillis}. */
    public void record(long nowMillis, long total, long bad) {
        int slot = slotForWrite(nowMillis);
        if (slot < 0) {
            return;
        }
        totals.addAndGet(slot, total);
        if (bad != 0) {
            bads.addAndGet(slot, bad);
        }
    }

    /** Totals over the newest buckets covering {@code windowMillis}, read at {@code nowMillis}. */
    public WindowCounts read(long windowMillis, long nowMillis) {
        int buckets = bucketsFor(windowMillis);
        long current = currentIndex(nowMillis);
        long total = 0;
        long bad = 0;
        for (int k = 0; k < buckets; k++) {
            long index = current - k;
            int slot = slotOf(index);
            if (holds(slot, index)) {
                long t = totals.get(slot);
                long b = bads.get(slot);
                if (holds(slot, index)) {
                    total += t;
                    bad += b;
                }
            }
        }
        return new WindowCounts(total, bad);
    }

    @Override
    protected void clear(int slot) {
        totals.set(slot, 0);
        bads.set(slot, 0);
    }

    /** Event counts of one window. */
    public record WindowCounts(long total, long bad) {
        /** {@code bad / total}, or 0 when there were no events. */
        public double badRatio() {
            return total == 0 ? 0.0 : (double) bad / total;
        }
    }
}
