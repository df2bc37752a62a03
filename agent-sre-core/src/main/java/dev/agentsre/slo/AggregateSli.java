package dev.agentsre.slo;

import dev.agentsre.internal.Check;
import dev.agentsre.internal.window.RollingStats;
import java.util.Map;

/**
 * A built-in indicator whose value is the mean or the maximum of the samples in its window:
 * success and error rates (the mean of 1/0 outcomes), cost per task, tokens per call, feedback
 * scores (means) and delegation depth (maximum). Made by the factories in {@link Slis} or by
 * {@link #builder(String)}.
 *
 * <p>Samples are aggregated on arrival into {@code buckets} time buckets (default
 * {@value #DEFAULT_BUCKETS}) that tile the window; nothing is stored per sample. The window is
 * therefore read with a resolution of one bucket ({@code window / buckets}).
 * {@link #compliance()} is exact: every sample is judged against the target when recorded.
 *
 * <p><b>Cost.</b> {@link #record(double)} is O(1) and allocation-free, on the recording thread's
 * stripe: threads sharing the indicator do not serialise on one counter (the stripes grow on
 * contention, like {@link java.util.concurrent.atomic.LongAdder}'s cells, to the next power of two
 * of the processors, at most 8). <b>Memory:</b> four {@code long}s per bucket per stripe (about 2 KiB
 * with the default buckets; one stripe while uncontended, at most about 17 KiB at 8), independent of
 * sample count. Thread-safe and lock-free.
 */
public final class AggregateSli extends Sli {

    /** Default number of time buckets tiling the window. */
    public static final int DEFAULT_BUCKETS = 60;

    /** How samples in the window are combined. */
    public enum Statistic {
        /** The arithmetic mean. */
        MEAN,
        /** The largest sample. */
        MAX
    }

    private final Statistic statistic;
    private final double minValue;
    private final double maxValue;
    private final RollingStats stats;

    private AggregateSli(Builder b) {
        super(spec(b.name).target(b.target).window(b.window).comparison(b.comparison).clock(b.clock));
        this.statistic = Check.notNull("statistic", b.statistic);
        this.minValue = b.minValue;
        this.maxValue = b.maxValue;
        long bucketMillis = b.bucketMillis(windowMillis());
        this.stats = new RollingStats(bucketMillis, SliBuilder.Bucketed.ringSize(windowMillis(), bucketMillis));
    }

    /** Starts a builder; target and window are required. */
    public static Builder builder(String name) {
        return new Builder(name);
    }

    /** Records a sample. For rate indicators, 1.0 is the event counted (a success, an error). */
    @Override
    public void record(double value) {
        if (!(value >= minValue && value <= maxValue)) {
            throw new IllegalArgumentException("value must be a finite number in [" + minValue + ", " + maxValue
                    + "] for " + name() + ", got " + value);
        }
        stats.record(clock().millis(), value, comparison().isGood(value, target()));
    }

    /** Records a sample; built-in indicators aggregate and do not keep metadata. */
    @Override
    public void record(double value, Map<String, ?> metadata) {
        record(value);
    }

    /** Records 1.0 for {@code true} and 0.0 for {@code false}: one outcome of a rate indicator. */
    public void record(boolean outcome) {
        record(outcome ? 1.0 : 0.0);
    }

    @Override
    public SliValue collect() {
        RollingStats.Summary summary = read();
        double v = summary.count() == 0 ? emptyValue() : statistic == Statistic.MEAN ? summary.mean() : summary.max();
        return value(v);
    }

    @Override
    public double compliance() {
        return read().goodRatio();
    }

    @Override
    Boolean judge() {
        RollingStats.Summary summary = read();
        return summary.count() == 0 ? null : comparison().isGood(statistic == Statistic.MEAN ? summary.mean() : summary.max(), target());
    }

    @Override
    public boolean hasData() {
        return read().count() > 0;
    }

    /** Number of samples in the window. */
    public long count() {
        return read().count();
    }

    /** The statistic this indicator reports. */
    public Statistic statistic() {
        return statistic;
    }

    private RollingStats.Summary read() {
        return stats.read(windowMillis(), clock().millis());
    }

    // With no data the indicator reports its target: neither good news nor bad.
    private double emptyValue() {
        return target();
    }

    /** Builder for {@link AggregateSli}; target and window are required. */
    public static final class Builder extends SliBuilder.Bucketed<Builder> {
        private Comparison comparison = Comparison.AT_LEAST;
        private Statistic statistic = Statistic.MEAN;
        private double minValue = -Double.MAX_VALUE;
        private double maxValue = Double.MAX_VALUE;

        private Builder(String name) {
            super(name, DEFAULT_BUCKETS);
        }

        /** The direction in which values are good (default {@link Comparison#AT_LEAST}). */
        public Builder comparison(Comparison comparison) {
            this.comparison = comparison;
            return this;
        }

        /** The statistic reported (default {@link Statistic#MEAN}). */
        public Builder statistic(Statistic statistic) {
            this.statistic = statistic;
            return this;
        }

        /** Accepted sample range, inclusive; samples outside it are rejected. Default: any finite value. */
        public Builder valueRange(double min, double max) {
            Check.finite("min", min);
            Check.finite("max", max);
            if (min > max) {
                throw new IllegalArgumentException("valueRange min must be <= max, got [" + min + ", " + max + "]");
            }
            this.minValue = min;
            this.maxValue = max;
            return this;
        }

        /** Validates and builds. */
        public AggregateSli build() {
            return new AggregateSli(this);
        }
    }
}
