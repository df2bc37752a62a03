package dev.agentsre.slo;

import dev.agentsre.internal.Check;
import dev.agentsre.internal.window.RollingHistogram;
import dev.agentsre.time.Durations;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;

/**
 * A built-in indicator whose value is a percentile (p50, p95, p99, ...) of non-negative samples in
 * its window, such as response latency. Made by {@link Slis#responseLatency()} or
 * {@link #builder(String)}; direction {@link Comparison#AT_MOST}.
 *
 * <p>Samples go into a streaming log-linear histogram per time bucket (no sample list, no
 * sorting). The reported percentile has a relative error of at most
 * {@value dev.agentsre.internal.window.RollingHistogram#RELATIVE_ERROR} (3.125%) for values in
 * [2<sup>-10</sup>, 2<sup>30</sup>) of the indicator's unit; for milliseconds that is 1 µs to
 * about 12 days. {@link #compliance()} (share of samples at or below the target) is exact.
 *
 * <p><b>Cost.</b> {@link #record(double)} is O(1) and allocation-free; {@link #collect()} reads
 * {@value dev.agentsre.internal.window.RollingHistogram#BINS} bins per bucket. <b>Memory:</b>
 * about 5 KiB per bucket, {@value #DEFAULT_BUCKETS} buckets by default (about 31 KiB), independent
 * of sample count. Thread-safe and lock-free.
 */
public final class PercentileSli extends Sli {

    /** Default number of time buckets tiling the window. */
    public static final int DEFAULT_BUCKETS = 6;

    private final double percentile;
    private final RollingHistogram histogram;

    private PercentileSli(Builder b) {
        super(spec(b.name).target(b.target).window(b.window).comparison(Comparison.AT_MOST).clock(b.clock));
        Check.nonNegative("target", b.target);
        this.percentile = Check.closedRange("percentile", b.percentile, Double.MIN_VALUE, 1.0);
        int buckets = Check.positive("buckets", b.buckets);
        long bucketMillis = Math.max(1, windowMillis() / buckets);
        this.histogram = new RollingHistogram(bucketMillis, (int) ((windowMillis() + bucketMillis - 1) / bucketMillis));
    }

    /** Starts a builder; target, window and percentile are required. */
    public static Builder builder(String name) {
        return new Builder(name);
    }

    /** Records a non-negative sample, e.g. a latency in milliseconds. */
    @Override
    public void record(double value) {
        Check.nonNegative("value", value);
        histogram.record(clock().millis(), value, value <= target());
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
    public boolean hasData() {
        return read().count() > 0;
    }

    /** Number of samples in the window. */
    public long count() {
        return read().count();
    }

    private RollingHistogram.Summary read() {
        return histogram.read(percentile, windowMillis(), clock().millis());
    }

    /** Builder for {@link PercentileSli}. */
    public static final class Builder {
        private final String name;
        private double target = Double.NaN;
        private Duration window;
        private double percentile = Double.NaN;
        private Clock clock = Clock.systemUTC();
        private int buckets = DEFAULT_BUCKETS;

        private Builder(String name) {
            this.name = name;
        }

        /** The largest acceptable percentile value, e.g. 5000 (ms). */
        public Builder target(double target) {
            this.target = target;
            return this;
        }

        /** The rolling window. */
        public Builder window(Duration window) {
            this.window = window;
            return this;
        }

        /** The rolling window as a duration string. */
        public Builder window(String window) {
            this.window = Durations.parsePositive("window", window);
            return this;
        }

        /** The percentile as a fraction in (0, 1], e.g. 0.95. */
        public Builder percentile(double percentile) {
            this.percentile = percentile;
            return this;
        }

        /** The clock samples are stamped with. */
        public Builder clock(Clock clock) {
            this.clock = clock;
            return this;
        }

        /** Number of time buckets tiling the window (default {@value PercentileSli#DEFAULT_BUCKETS}). */
        public Builder buckets(int buckets) {
            this.buckets = buckets;
            return this;
        }

        /** Validates and builds. */
        public PercentileSli build() {
            return new PercentileSli(this);
        }
    }
}
