package dev.agentsre.delivery.stats;

import dev.agentsre.internal.stats.RunningMoments;

/**
 * The sample moments a sequential test reads: how many values, their mean and their sample variance.
 *
 * @param count how many values
 * @param mean their mean (NaN when there are none)
 * @param variance their sample variance, {@code n - 1} denominator (NaN below two values)
 */
public record Moments(long count, double mean, double variance) {

    /** No values. */
    public static final Moments EMPTY = new Moments(0, Double.NaN, Double.NaN);

    /**
     * Validates.
     *
     * @throws IllegalArgumentException if {@code count} is negative or {@code variance} is negative
     */
    public Moments {
        if (count < 0) {
            throw new IllegalArgumentException("count must be >= 0, got " + count);
        }
        if (variance < 0) {
            throw new IllegalArgumentException("variance must be >= 0, got " + variance);
        }
    }

    /** The moments of {@code values}. */
    public static Moments of(double... values) {
        RunningMoments running = new RunningMoments();
        for (double v : values) {
            running.add(v);
        }
        return of(running);
    }

    /** A snapshot of {@code running}. */
    public static Moments of(RunningMoments running) {
        return new Moments(running.count(), running.mean(), running.variance());
    }
}
