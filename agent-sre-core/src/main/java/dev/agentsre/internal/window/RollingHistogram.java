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
 * <p><b>A threshold as a bin edge.</b> A histogram built with a threshold splits the bin that
 * holds it in two at the threshold (the threshold itself going to the side the caller says), so
 * no bin straddles it: a percentile read from the bins is on the same side of the threshold as the
 * sample it stands for. Judging "p95 &le; target" from the histogram then agrees exactly with the
 * samples, also for samples equal to the target.
 *
 * <p><b>Cost.</b> Recording is O(1) and allocation-free: a bit extraction, a CAS on the count and
 * two atomic increments (the bin and the good count: see {@link BucketRing} for the read-consistency
 * rule), on the recording thread's stripe (see {@link BucketRing}'s stripes). A percentile read is
 * O(bins × buckets in the window × stripes). Memory: {@value #BINS} (+1 with a threshold) + 2
 * {@code long}s per bucket (about 5 KiB) per stripe; a histogram's stripe being a whole histogram
 * per bucket, it grows to at most {@value #MAX_STRIPES} stripes (one while uncontended).
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
    /** Bins per bucket without a threshold: an underflow bin, the log-linear bins and an overflow bin. */
    public static final int BINS = 2 + (MAX_EXPONENT - MIN_EXPONENT) * (1 << SUB_BITS);

    /** The most stripes a histogram grows to under contention (each is {@code size} whole histograms). */
    public static final int MAX_STRIPES = 2;

    private static final int SUB_COUNT = 1 << SUB_BITS;
    private static final double MIN_VALUE = Math.scalb(1.0, MIN_EXPONENT);
    private static final double MAX_VALUE = Math.scalb(1.0, MAX_EXPONENT);

    private final int bins;
    private final double threshold;
    private final boolean thresholdBelow;
    private final int splitBin; // -1 without a threshold
    private volatile Stripe[] data;

    /** One stripe's per-slot data. */
    private static final class Stripe {
        final AtomicLongArray binCounts;
        final AtomicLongArray counts;
        final AtomicLongArray goods;

        Stripe(int size, int bins) {
            binCounts = new AtomicLongArray(size * bins);
            counts = new AtomicLongArray(size);
            goods = new AtomicLongArray(size);
        }
    }

    /** A ring of {@code size} buckets of {@code bucketMillis} each, without a threshold. */
    public RollingHistogram(long bucketMillis, int size) {
        this(bucketMillis, size, Double.NaN, true);
    }

    /**
     * A ring of {@code size} buckets of {@code bucketMillis} each whose bins have an edge at
     * {@code threshold} (finite, &ge; 0); a sample equal to it is binned below the edge when
     * {@code thresholdBelow}, above it otherwise.
     */
    public RollingHistogram(long bucketMillis, int size, double threshold, boolean thresholdBelow) {
        super(bucketMillis, size, Math.min(MAX_STRIPES, Stripes.DEFAULT_MAX));
        if (!Double.isNaN(threshold) && !(threshold >= 0 && threshold < Double.POSITIVE_INFINITY)) {
            throw new IllegalArgumentException("threshold must be a finite number >= 0, got " + threshold);
        }
        this.threshold = threshold;
        this.thresholdBelow = thresholdBelow;
        this.splitBin = Double.isNaN(threshold) ? -1 : binOf(threshold);
        this.bins = splitBin < 0 ? BINS : BINS + 1;
        this.data = new Stripe[] {new Stripe(size, bins)};
    }

    /** Records one finite, non-negative sample at {@code nowMillis}. */
    public void record(long nowMillis, double value, boolean good) {
        int slot = slotForWrite(nowMillis);
        if (slot < 0) {
            return;
        }
        int stripe = countOnStripe(slot);
        Stripe s = data[stripe]; // read after the count: the stripes may have grown
        s.binCounts.incrementAndGet(slot * bins + indexOf(value));
        if (good) {
            s.goods.incrementAndGet(slot);
        }
    }

    @Override
    protected AtomicLongArray countsOf(int stripe) {
        return data[stripe].counts;
    }

    @Override
    protected void addStripes(int from, int to) {
        data = grown(data, to, () -> new Stripe(size, bins));
    }

    /**
     * Reads the window ending now: sample count, good count and the value at quantile
     * {@code quantile} (0 &lt; q &le; 1) by nearest rank ({@code ceil(q × n)}-th smallest), NaN when
     * the window is empty.
     */
    public Summary read(double quantile, long windowMillis, long nowMillis) {
        return read(quantile, false, windowMillis, nowMillis);
    }

    /**
     * As {@link #read(double, long, long)}; with {@code higherRank} the quantile is the
     * {@code (floor(q × n) + 1)}-th smallest sample instead (the rank at which "at most a share q of
     * samples lie below it" holds, for judging a lower tail against a threshold).
     */
    public Summary read(double quantile, boolean higherRank, long windowMillis, long nowMillis) {
        Reader reader = new Reader(data);
        forEachLiveBucket(windowMillis, nowMillis, reader);
        return new Summary(reader.count, reader.good, quantileOf(reader.merged, quantile, higherRank));
    }

    /** Sums the kept slots over every stripe; reads each stripe's good count and bins before its count. */
    private final class Reader implements SlotReader {
        private final Stripe[] stripes;
        final long[] merged = new long[bins];
        final long[] pending = new long[bins];
        long count;
        long good;
        private long c;
        private long g;

        Reader(Stripe[] stripes) {
            this.stripes = stripes;
        }

        @Override
        public void read(int slot) {
            java.util.Arrays.fill(pending, 0L);
            c = 0;
            g = 0;
            int base = slot * bins;
            for (Stripe stripe : stripes) {
                long sg = stripe.goods.get(slot);
                for (int b = 0; b < bins; b++) {
                    pending[b] += stripe.binCounts.get(base + b);
                }
                long sc = stripe.counts.get(slot);
                c += sc;
                g += Math.min(sg, sc); // a writer stalled across a whole rotation could leave a stray good
            }
        }

        @Override
        public void keep(int age) {
            for (int b = 0; b < bins; b++) {
                merged[b] += pending[b];
            }
            count += c;
            good += g;
        }
    }

    @Override
    protected void clear(int slot) {
        int base = slot * bins;
        for (Stripe stripe : data) {
            for (int b = 0; b < bins; b++) {
                stripe.binCounts.set(base + b, 0);
            }
            stripe.counts.set(slot, 0);
            stripe.goods.set(slot, 0);
        }
    }

    /** The bin index a value is counted in, the threshold's split included. */
    int indexOf(double value) {
        int bin = binOf(value);
        if (splitBin < 0 || bin < splitBin) {
            return bin;
        }
        if (bin > splitBin) {
            return bin + 1;
        }
        return value < threshold || (value == threshold && thresholdBelow) ? bin : bin + 1;
    }

    /** The value reported for a bin index: the midpoint of its range (of its part, for the split bin). */
    double valueAt(int index) {
        if (splitBin < 0 || index < splitBin) {
            return valueOf(index);
        }
        if (index > splitBin + 1) {
            return valueOf(index - 1);
        }
        double low = lowerEdge(splitBin);
        if (index == splitBin) {
            return (low + threshold) / 2;
        }
        return splitBin == BINS - 1 ? Math.nextUp(threshold) : (threshold + lowerEdge(splitBin + 1)) / 2;
    }

    /** The bin a value falls in, without a threshold. */
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

    /** The value reported for a bin without a threshold: the midpoint of its range. */
    static double valueOf(int bin) {
        if (bin == 0) {
            return 0.0;
        }
        if (bin == BINS - 1) {
            return MAX_VALUE;
        }
        return (lowerEdge(bin) + lowerEdge(bin + 1)) / 2;
    }

    /** The smallest value of a bin (the underflow bin starts at 0). */
    private static double lowerEdge(int bin) {
        if (bin == 0) {
            return 0.0;
        }
        if (bin >= BINS - 1) {
            return MAX_VALUE;
        }
        int offset = bin - 1;
        int exponent = offset / SUB_COUNT + MIN_EXPONENT;
        int sub = offset % SUB_COUNT;
        return Math.scalb(1.0 + (double) sub / SUB_COUNT, exponent);
    }

    private double quantileOf(long[] merged, double quantile, boolean higherRank) {
        long total = 0;
        for (long c : merged) {
            total += c;
        }
        if (total == 0) {
            return Double.NaN;
        }
        long rank = rank(quantile, total, higherRank);
        long seen = 0;
        for (int b = 0; b < merged.length; b++) {
            seen += merged[b];
            if (seen >= rank) {
                return valueAt(b);
            }
        }
        return valueAt(merged.length - 1);
    }

    /**
     * The 1-based rank of quantile {@code q} among {@code n} samples: {@code ceil(q × n)}, or
     * {@code floor(q × n) + 1} for the higher rank, within [1, n]. A tolerance of 10<sup>-9</sup>
     * absorbs the binary representation of {@code q} (0.95 × 100 is 95, not 95.00000000000001).
     */
    static long rank(double q, long n, boolean higherRank) {
        double position = q * n;
        long rank = higherRank ? (long) Math.floor(position + 1e-9) + 1 : (long) Math.ceil(position - 1e-9);
        return Math.max(1, Math.min(n, rank));
    }

    /** A window's sample count, good count and quantile value (NaN when empty). */
    public record Summary(long count, long good, double quantile) {
        /** {@code good / count}, or 1.0 when empty. */
        public double goodRatio() {
            return count == 0 ? 1.0 : (double) good / count;
        }
    }
}
