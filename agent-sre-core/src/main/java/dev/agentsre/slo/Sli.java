package dev.agentsre.slo;

import dev.agentsre.internal.Check;
import dev.agentsre.time.Durations;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A service level indicator: a named measurement of agent behaviour with a target, a rolling
 * window and a {@link Comparison} direction.
 *
 * <p><b>Custom indicators</b> subclass it and implement {@link #collect()} over the raw samples
 * recorded in the window:
 * <pre>{@code
 * class TaskSuccessRateSli extends Sli {
 *     TaskSuccessRateSli() { super("task_success_rate", 0.995, "24h"); }
 *     @Override public SliValue collect() {
 *         List<SliValue> values = valuesInWindow();
 *         if (values.isEmpty()) return value(1.0);
 *         long good = values.stream().filter(SliValue::isGood).count();
 *         return value((double) good / values.size());
 *     }
 * }
 * }</pre>
 *
 * <p><b>Memory.</b> Raw samples are kept in a ring pruned as they leave the window and capped at
 * {@code maxSamples} (default {@value #DEFAULT_MAX_SAMPLES}; the oldest is dropped first), so a
 * custom indicator holds at most {@code maxSamples} {@link SliValue}s. The built-in indicators
 * ({@link Slis}) override {@link #record(double)} to aggregate into fixed-size time buckets and
 * keep no samples at all.
 *
 * <p><b>Thread safety.</b> {@link #record} and {@link #valuesInWindow()} may be called from many
 * threads; the sample ring is guarded by a lock that is never held while subclass code runs.
 */
public abstract class Sli {

    /** Default cap on raw samples kept by a custom indicator. */
    public static final int DEFAULT_MAX_SAMPLES = 10_000;

    private final String name;
    private final double target;
    private final Duration window;
    private final long windowMillis;
    private final Comparison comparison;
    private final Clock clock;
    private final int maxSamples;
    private final ArrayDeque<SliValue> samples = new ArrayDeque<>();

    /** An {@link Comparison#AT_LEAST} indicator with a window such as {@code "24h"} or {@code "PT1H"}. */
    protected Sli(String name, double target, String window) {
        this(spec(name).target(target).window(window));
    }

    /** An {@link Comparison#AT_LEAST} indicator. */
    protected Sli(String name, double target, Duration window) {
        this(spec(name).target(target).window(window));
    }

    /** An indicator with an explicit direction. */
    protected Sli(String name, double target, Duration window, Comparison comparison) {
        this(spec(name).target(target).window(window).comparison(comparison));
    }

    /** An indicator from a full specification (clock, sample cap, direction). */
    protected Sli(Spec spec) {
        Check.notNull("spec", spec);
        this.name = Check.notBlank("name", spec.name);
        this.target = Check.finite("target", spec.target);
        this.window = Check.positive("window", spec.window);
        this.windowMillis = window.toMillis();
        if (windowMillis <= 0) {
            throw new IllegalArgumentException("window must be at least 1ms, got " + window);
        }
        this.comparison = Check.notNull("comparison", spec.comparison);
        this.clock = Check.notNull("clock", spec.clock);
        this.maxSamples = Check.positive("maxSamples", spec.maxSamples);
    }

    /** Starts a specification for the {@link #Sli(Spec)} constructor. */
    public static Spec spec(String name) {
        return new Spec(name);
    }

    /** The indicator's current aggregate value over its window. */
    public abstract SliValue collect();

    /**
     * Records a raw sample at {@code clock.instant()}.
     *
     * @throws IllegalArgumentException if {@code value} is NaN or infinite (nothing is recorded)
     */
    public void record(double value) {
        record(value, Map.of());
    }

    /**
     * Records a raw sample with metadata (copied) at {@code clock.instant()}.
     *
     * @throws IllegalArgumentException if {@code value} is NaN or infinite (nothing is recorded)
     */
    public void record(double value, Map<String, ?> metadata) {
        Check.finite("value", value);
        Check.notNull("metadata", metadata);
        Instant now = clock.instant();
        SliValue sample = new SliValue(value, now, comparison.isGood(value, target),
                metadata.isEmpty() ? Map.of() : copy(metadata));
        synchronized (samples) {
            prune(now.toEpochMilli());
            if (samples.size() == maxSamples) {
                samples.pollFirst();
            }
            samples.addLast(sample);
        }
    }

    /** Raw samples recorded within the window, oldest first (a copy). */
    protected final List<SliValue> valuesInWindow() {
        long now = clock.millis();
        synchronized (samples) {
            prune(now);
            return new ArrayList<>(samples);
        }
    }

    /** An {@link SliValue} for {@code x} at the current instant, judged against the target. Not stored. */
    protected final SliValue value(double x) {
        return new SliValue(x, clock.instant(), comparison.isGood(x, target), Map.of());
    }

    /** The value of {@link #collect()}. */
    public double currentValue() {
        return collect().value();
    }

    /**
     * The fraction of samples in the window that met the target, in [0, 1]; 1.0 when the window
     * is empty (nothing has failed yet; see {@link #hasData()}).
     */
    public double compliance() {
        List<SliValue> values = valuesInWindow();
        if (values.isEmpty()) {
            return 1.0;
        }
        long good = values.stream().filter(SliValue::isGood).count();
        return (double) good / values.size();
    }

    /** Whether any sample was recorded within the window. */
    public boolean hasData() {
        long now = clock.millis();
        synchronized (samples) {
            prune(now);
            return !samples.isEmpty();
        }
    }

    /**
     * For evaluation: {@code null} when the window holds no data, otherwise whether the current
     * value meets the target. The built-ins answer from one read of their window.
     */
    Boolean judge() {
        return hasData() ? collect().isGood() : null;
    }

    /** Whether the current value meets the target; {@code true} when there is no data. */
    public boolean isMet() {
        return !hasData() || collect().isGood();
    }

    /** The indicator's name, e.g. {@code task_success_rate}. */
    public final String name() {
        return name;
    }

    /** The target value. */
    public final double target() {
        return target;
    }

    /** The rolling window. */
    public final Duration window() {
        return window;
    }

    /** The direction in which values are good. */
    public final Comparison comparison() {
        return comparison;
    }

    /** The clock samples are stamped with. */
    public final Clock clock() {
        return clock;
    }

    /** The cap on raw samples kept in the window. */
    public final int maxSamples() {
        return maxSamples;
    }

    /** The window in milliseconds. */
    protected final long windowMillis() {
        return windowMillis;
    }

    @Override
    public String toString() {
        return getClass().getSimpleName() + "{" + name + " " + comparison.symbol() + " "
                + target + " over " + Durations.format(window) + '}';
    }

    private void prune(long nowMillis) {
        long oldest = nowMillis - windowMillis;
        while (!samples.isEmpty() && samples.peekFirst().timestamp().toEpochMilli() <= oldest) {
            samples.pollFirst();
        }
    }

    private static Map<String, Object> copy(Map<String, ?> metadata) {
        Map<String, Object> copy = new LinkedHashMap<>();
        metadata.forEach((k, v) -> copy.put(Objects.requireNonNull(k, "metadata key"), v));
        return java.util.Collections.unmodifiableMap(copy);
    }

    /**
     * Everything that defines an indicator. Defaults: direction {@link Comparison#AT_LEAST},
     * {@link Clock#systemUTC()}, {@value Sli#DEFAULT_MAX_SAMPLES} samples. Target and window are
     * required.
     */
    public static final class Spec extends SliBuilder<Spec> {
        private Comparison comparison = Comparison.AT_LEAST;
        private int maxSamples = DEFAULT_MAX_SAMPLES;

        private Spec(String name) {
            super(name);
        }

        /** The direction in which values are good. */
        public Spec comparison(Comparison comparison) {
            this.comparison = comparison;
            return this;
        }

        /** Cap on raw samples kept (custom indicators only). */
        public Spec maxSamples(int maxSamples) {
            this.maxSamples = maxSamples;
            return this;
        }
    }
}
