package dev.agentsre.internal.window;

import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Rolling count, good count, sum and maximum of numeric samples over a ring of time buckets.
 *
 * <p>Recording is O(1) and allocation-free (two or three atomic operations; the sum and maximum
 * use CAS loops on the bits of a {@code double}). Memory: five {@code long}s per bucket.
 * See {@link BucketRing} for the concurrency, read-consistency and clock-jump rules: a read never
 * sees more good samples than samples.
 */
public final class RollingStats extends BucketRing {

    private static final long NEGATIVE_INFINITY_BITS = Double.doubleToRawLongBits(Double.NEGATIVE_INFINITY);

    private final AtomicLongArray counts;
    private final AtomicLongArray goods;
    private final AtomicLongArray sums;
    private final AtomicLongArray maxima;

    /** A ring of {@code size} buckets of {@code bucketMillis} each. */
    public RollingStats(long bucketMillis, int size) {
        super(bucketMillis, size);
        this.counts = new AtomicLongArray(size);
        this.goods = new AtomicLongArray(size);
        this.sums = new AtomicLongArray(size);
        this.maxima = new AtomicLongArray(size);
        for (int i = 0; i < size; i++) {
            maxima.set(i, NEGATIVE_INFINITY_BITS);
        }
    }

    /** Records one finite sample at {@code nowMillis}. */
    public void record(long nowMillis, double value, boolean good) {
        int slot = slotForWrite(nowMillis);
        if (slot < 0) {
            return;
        }
        // The count first, then the rest: a reader (which reads the rest first) never sees a good
        // sample that is not counted (see BucketRing).
        counts.incrementAndGet(slot);
        if (good) {
            goods.incrementAndGet(slot);
        }
        addDouble(sums, slot, value);
        raiseMax(slot, value);
    }

    /** Aggregates over the newest buckets covering {@code windowMillis}, read at {@code nowMillis}. */
    public Summary read(long windowMillis, long nowMillis) {
        Reader reader = new Reader();
        forEachLiveBucket(windowMillis, nowMillis, reader);
        return new Summary(reader.count, reader.good, reader.sum, reader.count == 0 ? Double.NaN : reader.max);
    }

    /** Sums the kept slots; reads the good count, sum and maximum before the count. */
    private final class Reader implements SlotReader {
        long count;
        long good;
        double sum;
        double max = Double.NEGATIVE_INFINITY;
        private long c;
        private long g;
        private double s;
        private double m;

        @Override
        public void read(int slot) {
            g = goods.get(slot);
            s = Double.longBitsToDouble(sums.get(slot));
            m = Double.longBitsToDouble(maxima.get(slot));
            c = counts.get(slot);
        }

        @Override
        public void keep(int age) {
            count += c;
            good += Math.min(g, c); // a writer stalled across a whole rotation could leave a stray good
            sum += s;
            max = Math.max(max, m);
        }
    }

    @Override
    protected void clear(int slot) {
        counts.set(slot, 0);
        goods.set(slot, 0);
        sums.set(slot, 0L); // raw bits of +0.0
        maxima.set(slot, NEGATIVE_INFINITY_BITS);
    }

    private static void addDouble(AtomicLongArray array, int slot, double delta) {
        long bits;
        do {
            bits = array.get(slot);
        } while (!array.compareAndSet(slot, bits, Double.doubleToRawLongBits(Double.longBitsToDouble(bits) + delta)));
    }

    private void raiseMax(int slot, double value) {
        long bits;
        do {
            bits = maxima.get(slot);
            if (Double.longBitsToDouble(bits) >= value) {
                return;
            }
        } while (!maxima.compareAndSet(slot, bits, Double.doubleToRawLongBits(value)));
    }

    /** Aggregates of one window; {@code max} is NaN when {@code count == 0}. */
    public record Summary(long count, long good, double sum, double max) {
        /** {@code sum / count}, or NaN when empty. */
        public double mean() {
            return count == 0 ? Double.NaN : sum / count;
        }

        /** {@code good / count}, or 1.0 when empty. */
        public double goodRatio() {
            return count == 0 ? 1.0 : (double) good / count;
        }
    }
}
