package dev.agentsre.internal.stats;

/**
 * Count, mean and variance of a stream of values by Welford's update (numerically stable: no sum of
 * squares that cancels). Not thread-safe: the owner synchronises. O(1) per value, three fields.
 */
public final class RunningMoments {

    private long count;
    private double mean;
    private double m2;

    /** Adds one finite value. */
    public void add(double value) {
        count++;
        double delta = value - mean;
        mean += delta / count;
        m2 += delta * (value - mean);
    }

    /** Values added. */
    public long count() {
        return count;
    }

    /** Their mean, or NaN when none. */
    public double mean() {
        return count == 0 ? Double.NaN : mean;
    }

    /** The sample variance (n - 1 denominator), or NaN below two values. */
    public double variance() {
        return count < 2 ? Double.NaN : Math.max(0.0, m2 / (count - 1));
    }
}
