package dev.agentsre.internal.stats;

/**
 * An exponentially weighted moving mean and variance, used as a baseline to score new values
 * against. Fixed memory (four fields); not thread-safe (callers synchronise).
 *
 * <p>{@link #score(double)} returns the z-score of a value against the baseline <em>before</em>
 * the value joins it, with a noise floor on the standard deviation: {@code max(std, absoluteFloor,
 * relativeFloor × |mean|)}, so that a perfectly steady series does not make every small change
 * infinitely surprising.
 */
public final class EwmaBaseline {

    private final double alpha;
    private final double relativeFloor;
    private final double absoluteFloor;
    private long count;
    private double mean;
    private double variance;

    /**
     * @param alpha weight of a new value, in (0, 1]; {@code 2 / (n + 1)} approximates an n-sample window
     * @param relativeFloor the standard deviation is at least this share of the mean
     * @param absoluteFloor and at least this much
     */
    public EwmaBaseline(double alpha, double relativeFloor, double absoluteFloor) {
        if (!(alpha > 0 && alpha <= 1)) {
            throw new IllegalArgumentException("alpha must be in (0, 1], got " + alpha);
        }
        this.alpha = alpha;
        this.relativeFloor = relativeFloor;
        this.absoluteFloor = absoluteFloor;
    }

    /** How many values joined the baseline. */
    public long count() {
        return count;
    }

    /** The moving mean (0 before the first value). */
    public double mean() {
        return mean;
    }

    /** The moving standard deviation, without the floor. */
    public double std() {
        return Math.sqrt(variance);
    }

    /** The floored standard deviation used for scoring. */
    public double flooredStd() {
        return Math.max(Math.sqrt(variance), Math.max(absoluteFloor, relativeFloor * Math.abs(mean)));
    }

    /** The z-score of {@code value} against the baseline as it is now; 0 before any value. */
    public double score(double value) {
        if (count == 0) {
            return 0;
        }
        double std = flooredStd();
        return std == 0 ? 0 : (value - mean) / std;
    }

    /** Adds {@code value} to the baseline. The first value sets the mean. */
    public void add(double value) {
        if (count == 0) {
            mean = value;
            variance = 0;
        } else {
            double delta = value - mean;
            mean += alpha * delta;
            variance = (1 - alpha) * (variance + alpha * delta * delta);
        }
        count++;
    }
}
