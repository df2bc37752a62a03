package dev.agentsre.slo;

import dev.agentsre.internal.Check;
import dev.agentsre.internal.window.RollingHistogram;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.Map;

/**
 * A built-in indicator whose value is a percentile (p50, p95, p99, ...) of non-negative samples in
 * its window, such as response latency, judged against a threshold (its target). Made by
 * {@link Slis#responseLatency()} or {@link #builder(String)}.
 *
 * <p><b>Named after its percentile.</b> The builder takes a base name and the indicator is called
 * {@code <base>_p<percentile>}: {@code response_latency_p95}, {@code response_latency_p99},
 * {@code response_latency_p99_9}; so one SLO can hold several percentiles of one measurement.
 * {@link Builder#name(String)} sets a full name instead.
 *
 * <p><b>Direction.</b> {@link Comparison#AT_MOST} by default ("p95 &le; 5000 ms"); {@link
 * Comparison#BELOW} is the strict {@code <}. With {@link Comparison#AT_LEAST} or {@link
 * Comparison#ABOVE} the indicator judges a lower tail ("p1 &ge; 100 req/s"): its value is then the
 * {@code (floor(q × n) + 1)}-th smallest sample, so that "good" means "at most a share q of samples
 * below the threshold".
 *
 * <p><b>Exact at the boundary.</b> Samples go into a streaming log-linear histogram per time
 * bucket (no sample list, no sorting) whose bins have an edge at the target: a reported percentile
 * is on the same side of the target as the sample it stands for, so the verdict ({@link
 * SliValue#isGood()}) agrees exactly with the samples — 100 samples equal to a "&le;" target are
 * good, and {@link #compliance()} (the share of samples that met the target, judged when recorded)
 * is 1.0. The reported value has a relative error of at most
 * {@value dev.agentsre.internal.window.RollingHistogram#RELATIVE_ERROR} (3.125%) for values in
 * [2<sup>-10</sup>, 2<sup>30</sup>) of the indicator's unit; for milliseconds that is 1 µs to about
 * 12 days.
 *
 * <p><b>Cost.</b> {@link #record(double)} is O(1) and allocation-free, on the recording thread's
 * stripe; {@link #collect()} reads about {@value dev.agentsre.internal.window.RollingHistogram#BINS}
 * bins per bucket and stripe. <b>Memory:</b> about 5 KiB per bucket, {@value #DEFAULT_BUCKETS}
 * buckets by default (about 31 KiB), independent of sample count; under contention the histogram
 * grows a second stripe (at most {@value dev.agentsre.internal.window.RollingHistogram#MAX_STRIPES}
 * stripes: about 62 KiB). Thread-safe and lock-free.
 */
public final class PercentileSli extends Sli {

    /** Default number of time buckets tiling the window. */
    public static final int DEFAULT_BUCKETS = 6;

    private final double percentile;
    private final RollingHistogram histogram;

    private PercentileSli(Builder b) {
        super(spec(b.fullName()).target(b.target).window(b.window).comparison(b.comparison).clock(b.clock));
        Check.nonNegative("target", b.target);
        this.percentile = b.percentile;
        long bucketMillis = b.bucketMillis(windowMillis());
        // The target is a bin edge; a sample equal to it goes to the side where it is judged.
        boolean targetBelow = comparison() == Comparison.AT_MOST || comparison() == Comparison.ABOVE;
        this.histogram = new RollingHistogram(bucketMillis, SliBuilder.Bucketed.ringSize(windowMillis(), bucketMillis), b.target, targetBelow);
    }

    /**
     * Starts a builder for an indicator called {@code <baseName>_p<percentile>}; target, window and
     * percentile are required.
     */
    public static Builder builder(String baseName) {
        return new Builder(baseName);
    }

    /**
     * The name suffix of a percentile: {@code p95} for 0.95, {@code p99_9} for 0.999, {@code p50}
     * for 0.5.
     */
    public static String label(double percentile) {
        Check.closedRange("percentile", percentile, Double.MIN_VALUE, 1.0);
        String percent = BigDecimal.valueOf(percentile).movePointRight(2).stripTrailingZeros().toPlainString();
        return "p" + percent.replace('.', '_');
    }

    /** Records a non-negative sample, e.g. a latency in milliseconds. */
    @Override
    public void record(double value) {
        Check.nonNegative("value", value);
        histogram.record(clock().millis(), value, comparison().isGood(value, target()));
    }

    /** Records a sample; built-in indicators aggregate and do not keep metadata. */
    @Override
    public void record(double value, Map<String, ?> metadata) {
        record(value);
    }

    /** Records a duration in milliseconds. */
    public void record(Duration duration) {
        Check.notNull("duration", duration);
        record(duration.toNanos() / 1e6);
    }

    /** The configured percentile as a value in (0, 1], e.g. 0.95 for p95. */
    public double percentile() {
        return percentile;
    }

    /** The percentile over the window; the target when the window is empty. */
    @Override
    public SliValue collect() {
        RollingHistogram.Summary summary = read();
        return value(summary.count() == 0 ? target() : summary.quantile());
    }

    @Override
    public double compliance() {
        return read().goodRatio();
    }

    @Override
    Boolean judge() {
        RollingHistogram.Summary summary = read();
        return summary.count() == 0 ? null : comparison().isGood(summary.quantile(), target());
    }

    @Override
    public boolean hasData() {
        return read().count() > 0;
    }

    /** Number of samples in the window. */
    public long count() {
        return read().count();
    }

    private RollingHistogram.Summary read() {
        return histogram.read(percentile, comparison().higherIsBetter(), windowMillis(), clock().millis());
    }

    /** Builder for {@link PercentileSli}; target, window and percentile are required. */
    public static final class Builder extends SliBuilder.Bucketed<Builder> {
        private final String baseName;
        private double percentile = Double.NaN;
        private Comparison comparison = Comparison.AT_MOST;

        private Builder(String baseName) {
            super(null, DEFAULT_BUCKETS);
            this.baseName = baseName;
        }

        /** The percentile as a fraction in (0, 1], e.g. 0.95; also names the indicator ({@code _p95}). */
        public Builder percentile(double percentile) {
            this.percentile = percentile;
            return this;
        }

        /** The threshold the percentile is judged against, e.g. 5000 (ms). Same as {@link #target(double)}. */
        public Builder threshold(double threshold) {
            return target(threshold);
        }

        /** The direction in which values are good (default {@link Comparison#AT_MOST}). */
        public Builder comparison(Comparison comparison) {
            this.comparison = Check.notNull("comparison", comparison);
            return this;
        }

        /** A full name, used as given instead of {@code <base>_p<percentile>}. */
        public Builder name(String name) {
            this.name = Check.notBlank("name", name);
            return this;
        }

        String fullName() {
            Check.closedRange("percentile", percentile, Double.MIN_VALUE, 1.0);
            if (name != null) {
                return name;
            }
            String suffix = "_" + label(percentile);
            Check.notBlank("name", baseName);
            return baseName.endsWith(suffix) ? baseName : baseName + suffix;
        }

        /** Validates and builds. */
        public PercentileSli build() {
            return new PercentileSli(this);
        }
    }
}
