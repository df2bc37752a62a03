package dev.agentsre.internal.window;

import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Rolling log-linear histogram of non-negative samples over a ring of time buckets, for streaming
 * percentiles without storing samples.
 *
 * <p><b>Bins.</b> Values are binned by their binary exponent and the top {@value #SUB_BITS} bits
 * of their mantissa (the layout HdrHistogram and similar sketches use), over the trackable range
 * [2<sup>{@value #MIN_EXPONENT}</sup>, 2<sup>{@value #MAX_EXPONENT}</sup>). A percentile is
 * reported as the midpoint of its bin, so its relative error is at most
 * 2<sup>-(SUB_BITS+1)</sup> = {@value #RELATIVE_ERROR} for values inside the range. Values below
 * the range are reported as 0, values above it as 2<sup>{@value #MAX_EXPONENT}</sup>.
 *
 * <p><b>Cost.</b> Recording is O(1) and allocation-free: a bit extraction and two or three atomic
 * increments. A percentile read is O(bins × buckets in the window). Memory: {@value #BINS} + 2
 * {@code long}s per bucket (about 5 KiB).
 */
public final class RollingHistogram extends BucketRing {

    /** Mantissa bits kept per binary exponent. */
    public static final int SUB_BITS = 4;
    /** Smallest trackable binary exponent. */
    public static final int MIN_EXPONENT = -10;
    /** Exclusive upper binary exponent of the trackable range. */
    public static final int MAX_EXPONENT = 30;
    /** Upper bound of the relative error of a reported percentile inside the trackable range. */
    public static final double RELATIVE_ERROR = 1.0 / (1 << (SUB_BITS + 1));
    /** Bins per bucket: an underflow bin, the log-linear bins and an overflow bin. */
    public static final int BINS = 2 + (MAX_EXPONENT - MIN_EXPONENT) * (1 << SUB_BITS);

    private static final int SUB_COUNT = 1 << SUB_BITS;
    private static final double MIN_VALUE = Math.scalb(1.0, MIN_EXPONENT);
    private static final double MAX_VALUE = Math.scalb(1.0, MAX_EXPONENT);

    private final AtomicLongArray bins;
    private final AtomicLongArray counts;
    private final AtomicLongArray goods;

    /** A ring of {@code size} buckets of {@code bucketMillis} each. */
    public RollingHistogram(long bucketMillis, int size) {
        super(bucketMillis, size);
        this.bins = new AtomicLongArray(size * BINS);
        this.counts = new AtomicLongArray(size);
        this.goods = new AtomicLongArray(size);
    }

    /** Records one finite, non-negative sample at {@code nowMillis}. */
    public void record(long nowMillis, double value, boolean good) {
        int slot = slotForWrite(nowMillis);
        if (slot < 0) {
            return;
        }
        bins.incrementAndGet(slot * BINS + binOf(value));
        if (good) {
            goods.incrementAndGet(slot);
        }
        counts.incrementAndGet(slot);
    }

    /**
     * Reads the window ending now: sample count, good count and the value at quantile
     * {@code quantile} (0 &lt; q &le; 1), NaN when the window is empty.
     */
    public Summary read(double quantile, long windowMillis, long nowMillis) {
        int buckets = bucketsFor(windowMillis);
        long current = currentIndex(nowMillis);
        long[] merged = new long[BINS];
        long count = 0;
        long good = 0;
        for (int k = 0; k < buckets; k++) {
            long index = current - k;
            int slot = slotOf(index);
            if (!holds(slot, index)) {
                continue;
            }
            int base = slot * BINS;
            for (int b = 0; b < BINS; b++) {
                merged[b] += bins.get(base + b);
            }
            count += counts.get(slot);
            good += goods.get(slot);
        }
        return new Summary(count, good, quantileOf(merged, quantile));
    }

    @Override
    protected void clear(int slot) {
        int base = slot * BINS;
        for (int b = 0; b < BINS; b++) {
            bins.set(base + b, 0);
        }
        counts.set(slot, 0);
        goods.set(slot, 0);
    }

    /** The bin a value falls in. */
    static int binOf(double value) {
        if (value < MIN_VALUE) {
            return 0;
        }
        if (value >= MAX_VALUE) {
            return BINS - 1;
        }
        int exponent = Math.getExponent(value);
        int sub = (int) ((Double.doubleToRawLongBits(value) >>> (52 - SUB_BITS)) & (SUB_COUNT - 1));
        return 1 + (exponent - MIN_EXPONENT) * SUB_COUNT + sub;
    }

    /** The value reported for a bin: the midpoint of its range. */
    static double valueOf(int bin) {
        if (bin == 0) {
            return 0.0;
        }
        if (bin == BINS - 1) {
            return MAX_VALUE;
        }
        int offset = bin - 1;
        int exponent = offset / SUB_COUNT + MIN_EXPONENT;
        int sub = offset % SUB_COUNT;
        return Math.scalb(1.0 + (sub + 0.5) / SUB_COUNT, exponent);
    }

    private static double quantileOf(long[] merged, double quantile) {
        long total = 0;
        for (long c : merged) {
            total += c;
        }
        if (total == 0) {
            return Double.NaN;
        }
        long rank = Math.max(1, (long) Math.ceil(quantile * total));
        long seen = 0;
        for (int b = 0; b < merged.length; b++) {
            seen += merged[b];
            if (seen >= rank) {
                return valueOf(b);
            }
        }
        return valueOf(BINS - 1);
    }

    /** A window's sample count, good count and quantile value (NaN when empty). */
    public record Summary(long count, long good, double quantile) {
        /** {@code good / count}, or 1.0 when empty. */
        public double goodRatio() {
            return count == 0 ? 1.0 : (double) good / count;
        }
    }
}
