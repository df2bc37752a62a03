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
    /** Counts other sources add to every read (a window shared through a store); null when none. */
    private volatile Overlay overlay;

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
        Overlay o = overlay;
        long top = topIndex(nowMillis);
        int buckets = bucketsFor(windowMillis);
        forEachLiveBucketFrom(top, buckets, sum);
        if (o != null) {
            sum.sumTotal += o.total(top - buckets + 1, top);
            sum.sumBad += o.bad(top - buckets + 1, top);
        }
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
        Overlay o = overlay;
        long top = topIndex(nowMillis);
        forEachLiveBucketFrom(top, bucketsFor(longest), new Slot() {
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
            if (o != null) {
                total += o.total(top - spans[i] + 1, top);
                bad += o.bad(top - spans[i] + 1, top);
            }
            result[i] = new WindowCounts(total, Math.min(bad, total));
        }
        return result;
    }

    /**
     * Adds {@code overlay}'s counts to every read from now on (replacing any previous overlay);
     * null removes it. Recording is unaffected.
     */
    public void overlay(Overlay overlay) {
        this.overlay = overlay;
    }

    /** The overlay in use, or null. */
    public Overlay overlay() {
        return overlay;
    }

    /**
     * Every live bucket with an event, oldest first, read at {@code nowMillis} with the ring's
     * consistency rules (this ring's own counts: the overlay is not included).
     */
    public Buckets export(long nowMillis) {
        long top = topIndex(nowMillis);
        long[] newestFirstIndex = new long[size];
        long[] newestFirstTotal = new long[size];
        long[] newestFirstBad = new long[size];
        int[] count = new int[1];
        forEachLiveBucketFrom(top, size, new Slot() {
            @Override
            public void keep(int age) {
                if (total > 0) {
                    newestFirstIndex[count[0]] = top - age;
                    newestFirstTotal[count[0]] = total;
                    newestFirstBad[count[0]] = bad;
                    count[0]++;
                }
            }
        });
        int n = count[0];
        long[] indexes = new long[n];
        long[] totalsOut = new long[n];
        long[] badsOut = new long[n];
        for (int k = 0; k < n; k++) {
            indexes[k] = newestFirstIndex[n - 1 - k];
            totalsOut[k] = newestFirstTotal[n - 1 - k];
            badsOut[k] = newestFirstBad[n - 1 - k];
        }
        return new Buckets(indexes, totalsOut, badsOut);
    }

    /**
     * Buckets by index, oldest first: {@code totals[i]} events of which {@code bads[i]} were bad in
     * bucket {@code indexes[i]}. The arrays are not copied: do not change them.
     *
     * @param indexes bucket indexes, ascending
     * @param totals events per bucket
     * @param bads bad events per bucket
     */
    public record Buckets(long[] indexes, long[] totals, long[] bads) {
    }

    /**
     * Counts added to a ring's reads, by bucket index (immutable): what a shared store holds minus
     * what this ring already counts of it. Range sums cost a binary search and one step per bucket.
     */
    public static final class Overlay {
        private final long[] indexes;
        private final long[] totals;
        private final long[] bads;

        /** Counts per bucket: ascending {@code indexes}, may be negative while the ring holds the rest. */
        public Overlay(long[] indexes, long[] totals, long[] bads) {
            this.indexes = indexes.clone();
            this.totals = totals.clone();
            this.bads = bads.clone();
        }

        long total(long from, long to) {
            return sum(totals, from, to);
        }

        long bad(long from, long to) {
            return sum(bads, from, to);
        }

        private long sum(long[] values, long from, long to) {
            int i = java.util.Arrays.binarySearch(indexes, from);
            if (i < 0) {
                i = -i - 1;
            }
            long sum = 0;
            for (; i < indexes.length && indexes[i] <= to; i++) {
                sum += values[i];
            }
            return sum;
        }
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
