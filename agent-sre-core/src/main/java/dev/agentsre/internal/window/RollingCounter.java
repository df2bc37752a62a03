package dev.agentsre.internal.window;

import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Rolling count of events and of the bad ones among them, over a ring of time buckets.
 *
 * <p>Recording is O(1) and allocation-free: one atomic increment for a good event, two for a bad
 * one (the total first, then the bad count). Reading a window is O(buckets in the window); several
 * windows are read in one pass with {@link #read(long[], long)}. Memory: three {@code long}s per
 * bucket. See {@link BucketRing} for the concurrency, read-consistency and clock-jump rules: a read
 * never sees more bad events than events.
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
        Sum sum = new Sum();
        forEachLiveBucket(windowMillis, nowMillis, sum);
        return new WindowCounts(sum.sumTotal, Math.min(sum.sumBad, sum.sumTotal));
    }

    /**
     * Totals over several windows at once, in one pass over the ring: element {@code i} of the
     * result covers {@code windowsMillis[i]}. Costs O(buckets of the longest window × windows).
     */
    public WindowCounts[] read(long[] windowsMillis, long nowMillis) {
        int windows = windowsMillis.length;
        int[] spans = new int[windows];
        long longest = 0;
        for (int i = 0; i < windows; i++) {
            spans[i] = bucketsFor(windowsMillis[i]);
            longest = Math.max(longest, windowsMillis[i]);
        }
        long[] sums = new long[2 * windows];
        forEachLiveBucket(longest, nowMillis, new Slot() {
            @Override
            public void keep(int age) {
                for (int i = 0; i < windows; i++) {
                    if (age < spans[i]) {
                        sums[2 * i] += total;
                        sums[2 * i + 1] += bad;
                    }
                }
            }
        });
        WindowCounts[] result = new WindowCounts[windows];
        for (int i = 0; i < windows; i++) {
            long total = sums[2 * i];
            long bad = sums[2 * i + 1];
            result[i] = new WindowCounts(total, Math.min(bad, total));
        }
        return result;
    }

    /** Reads one slot: the bad count before the total. */
    private abstract class Slot implements SlotReader {
        long total;
        long bad;

        @Override
        public final void read(int slot) {
            long b = bads.get(slot);
            total = totals.get(slot);
            bad = Math.min(b, total); // a writer stalled across a whole rotation could leave a stray bad
        }
    }

    /** Sums the kept slots. */
    private final class Sum extends Slot {
        long sumTotal;
        long sumBad;

        @Override
        public void keep(int age) {
            sumTotal += total;
            sumBad += bad;
        }
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
