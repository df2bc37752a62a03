package dev.agentsre.slo;

import dev.agentsre.internal.window.RollingCounter;
import dev.agentsre.internal.window.StripedRollingCounter;
import java.util.Map;

/**
 * The share of offered tasks that were served: {@code served / (served + refused as unavailable)}
 * over a rolling window, beside the share of served tasks that succeeded. Made by {@link
 * Slis#availability()}; named {@code availability}, direction {@link Comparison#AT_LEAST}.
 *
 * <p>Which refusals count as unavailability is decided by the {@link Slo} that feeds it ({@link
 * Slo#recordRefused(Refusal)}, see {@link Refusal}); the indicator only counts what it is told:
 * {@link #recordServed()} for a task that ran, whatever its outcome, and {@link
 * #recordUnavailable()} for one refused for a reason that counts. {@code record(1.0)} and {@code
 * record(0.0)} mean the same.
 *
 * <p><b>Cost.</b> Recording is O(1) and allocation-free: one CAS on the recording thread's stripe
 * of the open bucket (threads sharing the indicator do not serialise on one counter; see {@link
 * StripedRollingCounter}); reading the window is O(1). <b>Memory:</b> two {@code long}s per bucket,
 * {@value #DEFAULT_BUCKETS} buckets by default (about 1.2 KiB), plus
 * {@value StripedRollingCounter#STRIPE_BYTES} bytes per stripe, at most {@value
 * StripedRollingCounter#MAX_STRIPES} stripes once contended. Thread-safe; recording is lock-free
 * except for the short lock that closes a bucket.
 */
public final class AvailabilitySli extends Sli {

    /** Default number of time buckets tiling the window. */
    public static final int DEFAULT_BUCKETS = 60;

    private final StripedRollingCounter offers;

    private AvailabilitySli(Builder b) {
        super(spec(b.name).target(b.target).window(b.window).comparison(Comparison.AT_LEAST).clock(b.clock));
        if (!(b.target > 0 && b.target <= 1)) {
            throw new IllegalArgumentException("target must be in (0, 1], got " + b.target);
        }
        long bucketMillis = b.bucketMillis(windowMillis());
        this.offers = new StripedRollingCounter(bucketMillis, SliBuilder.Bucketed.ringSize(windowMillis(), bucketMillis));
    }

    /** Starts a builder for an indicator called {@code name}; target and window are required. */
    public static Builder builder(String name) {
        return new Builder(name);
    }

    /** A task was offered and served (admitted and run, whatever its outcome). */
    public void recordServed() {
        offers.record(clock().millis(), false);
    }

    /** A task was offered and refused for a reason that counts as unavailability. */
    public void recordUnavailable() {
        offers.record(clock().millis(), true);
    }

    /** {@code 1.0} records a served task, {@code 0.0} an unavailable one; anything else is rejected. */
    @Override
    public void record(double value) {
        if (value == 1.0) {
            recordServed();
        } else if (value == 0.0) {
            recordUnavailable();
        } else {
            throw new IllegalArgumentException("value must be 1.0 (served) or 0.0 (unavailable) for " + name() + ", got " + value);
        }
    }

    /** As {@link #record(double)}; metadata is not kept. */
    @Override
    public void record(double value, Map<String, ?> metadata) {
        record(value);
    }

    /** Served / offered over the window; the target when nothing was offered. */
    @Override
    public SliValue collect() {
        RollingCounter.WindowCounts counts = read();
        return value(counts.total() == 0 ? target() : 1.0 - counts.badRatio());
    }

    /** Served / offered over the window (each offer judged on its own); 1.0 when empty. */
    @Override
    public double compliance() {
        return 1.0 - read().badRatio();
    }

    @Override
    public boolean hasData() {
        return read().total() > 0;
    }

    /** Tasks offered in the window. */
    public long offered() {
        return read().total();
    }

    /** Tasks refused as unavailable in the window. */
    public long unavailable() {
        return read().bad();
    }

    private RollingCounter.WindowCounts read() {
        return offers.read(windowMillis(), clock().millis());
    }

    /** Builder for {@link AvailabilitySli}. */
    public static final class Builder extends SliBuilder.Bucketed<Builder> {
        private Builder(String name) {
            super(name, DEFAULT_BUCKETS);
        }

        /** Validates and builds. */
        public AvailabilitySli build() {
            return new AvailabilitySli(this);
        }
    }
}
