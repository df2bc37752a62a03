package dev.agentsre.internal.window;

import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Rolling count, good count, sum and maximum of numeric samples over a ring of time buckets.
 *
 * <p>Recording is O(1) and allocation-free (a CAS on the count, an increment of the good count, and
 * CAS loops on the bits of the {@code double} sum and maximum), on the recording thread's stripe: threads
 * sharing an indicator do not serialise on one counter (see {@link BucketRing}'s stripes). Memory:
 * four {@code long}s per bucket per stripe (about 2 KiB per stripe for 60 buckets), at most {@link
 * #maxStripes()} stripes (twice the next power of two &ge; the processors, at most 8), one while
 * uncontended. See {@link BucketRing} for the concurrency, read-consistency and clock-jump rules: a
 * read never sees more good samples than samples.
 */
public final class RollingStats extends BucketRing {

    private static final long NEGATIVE_INFINITY_BITS = Double.doubleToRawLongBits(Double.NEGATIVE_INFINITY);

    /** One stripe's per-slot data. */
    private static final class Stripe {
        final AtomicLongArray counts;
        final AtomicLongArray goods;
        final AtomicLongArray sums;
        final AtomicLongArray maxima;

        Stripe(int size) {
            counts = new AtomicLongArray(size);
            goods = new AtomicLongArray(size);
            sums = new AtomicLongArray(size);
            maxima = new AtomicLongArray(size);
            for (int i = 0; i < size; i++) {
                maxima.set(i, NEGATIVE_INFINITY_BITS);
            }
        }
    }

    private volatile Stripe[] data;

    /** A ring of {@code size} buckets of {@code bucketMillis} each, striped up to the default cap. */
    public RollingStats(long bucketMillis, int size) {
        this(bucketMillis, size, Stripes.DEFAULT_MAX);
    }

    /** A ring of {@code size} buckets of {@code bucketMillis} each, striped up to {@code maxStripes}. */
    public RollingStats(long bucketMillis, int size, int maxStripes) {
        super(bucketMillis, size, maxStripes);
        this.data = new Stripe[] {new Stripe(size)};
    }

    /** Records one finite sample at {@code nowMillis}. */
    public void record(long nowMillis, double value, boolean good) {
        int slot = slotForWrite(nowMillis);
        if (slot < 0) {
            return;
        }
        // The count first, then the rest: a reader (which reads the rest first) never sees a good
        // sample that is not counted (see BucketRing).
        int stripe = countOnStripe(slot);
        Stripe s = data[stripe]; // read after the count: the stripes may have grown
        if (good) {
            s.goods.incrementAndGet(slot);
        }
        addDouble(s.sums, slot, value);
        raiseMax(s.maxima, slot, value);
    }

    /** Aggregates over the newest buckets covering {@code windowMillis}, read at {@code nowMillis}. */
    public Summary read(long windowMillis, long nowMillis) {
        Reader reader = new Reader(data);
        forEachLiveBucket(windowMillis, nowMillis, reader);
        return new Summary(reader.count, reader.good, reader.sum, reader.count == 0 ? Double.NaN : reader.max);
    }

    @Override
    protected AtomicLongArray countsOf(int stripe) {
        return data[stripe].counts;
    }

    @Override
    protected void addStripes(int from, int to) {
        data = grown(data, to, () -> new Stripe(size));
    }

    /** Sums the kept slots over every stripe; reads each stripe's good count, sum and maximum before its count. */
    private static final class Reader implements SlotReader {
        private final Stripe[] stripes;
        long count;
        long good;
        double sum;
        double max = Double.NEGATIVE_INFINITY;
        private long c;
        private long g;
        private double s;
        private double m;

        Reader(Stripe[] stripes) {
            this.stripes = stripes;
        }

        @Override
        public void read(int slot) {
            c = 0;
            g = 0;
            s = 0;
            m = Double.NEGATIVE_INFINITY;
            for (Stripe stripe : stripes) {
                long sg = stripe.goods.get(slot);
                s += Double.longBitsToDouble(stripe.sums.get(slot));
                m = Math.max(m, Double.longBitsToDouble(stripe.maxima.get(slot)));
                long sc = stripe.counts.get(slot);
                c += sc;
                g += Math.min(sg, sc); // a writer stalled across a whole rotation could leave a stray good
            }
        }

        @Override
        public void keep(int age) {
            count += c;
            good += g;
            sum += s;
            max = Math.max(max, m);
        }
    }

    @Override
    protected void clear(int slot) {
        for (Stripe stripe : data) {
            stripe.counts.set(slot, 0);
            stripe.goods.set(slot, 0);
            stripe.sums.set(slot, 0L); // raw bits of +0.0
            stripe.maxima.set(slot, NEGATIVE_INFINITY_BITS);
        }
    }

    private static void addDouble(AtomicLongArray array, int slot, double delta) {
        long bits;
        do {
            bits = array.get(slot);
        } while (!array.compareAndSet(slot, bits, Double.doubleToRawLongBits(Double.longBitsToDouble(bits) + delta)));
    }

    private static void raiseMax(AtomicLongArray maxima, int slot, double value) {
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
