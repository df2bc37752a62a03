package dev.agentsre.slo;

import dev.agentsre.internal.CachedMillisClock;
import dev.agentsre.internal.Check;
import dev.agentsre.time.Durations;
import java.time.Clock;
import java.time.Duration;

/**
 * What every indicator builder sets: target, window and clock. One place for the setters that
 * {@link Sli.Spec}, {@link AggregateSli.Builder}, {@link PercentileSli.Builder} and
 * {@link AvailabilitySli.Builder} share.
 *
 * @param <B> the concrete builder, returned by every setter
 */
abstract class SliBuilder<B extends SliBuilder<B>> {

    String name;
    double target = Double.NaN;
    Duration window;
    Clock clock = CachedMillisClock.UTC;

    SliBuilder(String name) {
        this.name = name;
    }

    /** The target value. */
    public B target(double target) {
        this.target = target;
        return self();
    }

    /** The rolling window. */
    public B window(Duration window) {
        this.window = window;
        return self();
    }

    /** The rolling window as a duration string ({@link Durations#parse}: {@code "1h"}, {@code "30d"}, {@code "PT5M"}). */
    public B window(String window) {
        this.window = Durations.parsePositive("window", window);
        return self();
    }

    /** The clock samples are stamped with (default: the system clock in UTC, read from a millisecond cache). */
    public B clock(Clock clock) {
        this.clock = clock;
        return self();
    }

    @SuppressWarnings("unchecked")
    final B self() {
        return (B) this;
    }

    /**
     * A builder of an indicator that aggregates into time buckets tiling its window.
     *
     * @param <B> the concrete builder
     */
    abstract static class Bucketed<B extends Bucketed<B>> extends SliBuilder<B> {
        int buckets;

        Bucketed(String name, int defaultBuckets) {
            super(name);
            this.buckets = defaultBuckets;
        }

        /** Number of time buckets tiling the window: the window is read with a resolution of {@code window / buckets}. */
        public B buckets(int buckets) {
            this.buckets = buckets;
            return self();
        }

        /** The bucket width for a window of {@code windowMillis}. */
        long bucketMillis(long windowMillis) {
            return Math.max(1, windowMillis / Check.positive("buckets", buckets));
        }

        /** The number of buckets of {@code bucketMillis} that cover {@code windowMillis}. */
        static int ringSize(long windowMillis, long bucketMillis) {
            return (int) Math.min(Integer.MAX_VALUE, (windowMillis + bucketMillis - 1) / bucketMillis);
        }
    }
}
