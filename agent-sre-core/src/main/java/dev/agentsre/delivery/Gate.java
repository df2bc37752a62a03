package dev.agentsre.delivery;

import dev.agentsre.internal.Check;

/**
 * A condition a step must meet to advance, over the candidate cohort's metrics of that step. Gates are
 * judged when the step's duration has elapsed and each cohort has its minimum samples: all pass → the
 * rollout advances; any fails → it rolls back with the gate as evidence; a metric that has no value
 * (nothing recorded) keeps the step waiting — never a silent pass — until its maximum duration.
 *
 * <pre>{@code
 * Gate.atLeast("task_success_rate", 0.99)     // candidate >= 0.99
 * Gate.atMost("response_latency_p95", 5000)   // candidate <= 5000 ms
 * Gate.maxIncrease("cost_per_task", 0.20)     // candidate <= baseline x 1.20
 * Gate.maxDecrease("response_quality_score", 0.05)
 * Gate.threshold("response_quality_score", 0.95)   // at least or at most, by the metric's direction
 * }</pre>
 *
 * @param metric the metric's name (see {@link RolloutMetrics}, or a declared score or signal)
 * @param kind how the value is judged
 * @param value the bound, or the allowed relative change (0.20 = 20 %)
 */
public record Gate(String metric, Kind kind, double value) {

    /** How a gate judges its metric. */
    public enum Kind {
        /** Candidate value ≥ bound. */
        AT_LEAST,
        /** Candidate value ≤ bound. */
        AT_MOST,
        /** Candidate value ≤ baseline value × (1 + value). */
        MAX_INCREASE,
        /** Candidate value ≥ baseline value × (1 − value). */
        MAX_DECREASE,
        /** At least or at most the bound, by the metric's direction (resolved when the rollout is built). */
        THRESHOLD
    }

    /**
     * Validates.
     *
     * @throws IllegalArgumentException for a blank metric, a non-finite value, or a negative relative change
     */
    public Gate {
        Check.notBlank("metric", metric);
        Check.notNull("kind", kind);
        Check.finite("value", value);
        if ((kind == Kind.MAX_INCREASE || kind == Kind.MAX_DECREASE) && value < 0) {
            throw new IllegalArgumentException(kind.name().toLowerCase(java.util.Locale.ROOT) + " of '" + metric
                    + "' must be >= 0 (0.20 = 20 %), got " + value);
        }
        if (kind == Kind.MAX_DECREASE && value > 1) {
            throw new IllegalArgumentException("max_decrease of '" + metric + "' must be <= 1 (100 %), got " + value);
        }
    }

    /** Candidate ≥ {@code bound}. */
    public static Gate atLeast(String metric, double bound) {
        return new Gate(metric, Kind.AT_LEAST, bound);
    }

    /** Candidate ≤ {@code bound}. */
    public static Gate atMost(String metric, double bound) {
        return new Gate(metric, Kind.AT_MOST, bound);
    }

    /** Candidate ≤ baseline × (1 + {@code fraction}). */
    public static Gate maxIncrease(String metric, double fraction) {
        return new Gate(metric, Kind.MAX_INCREASE, fraction);
    }

    /** Candidate ≥ baseline × (1 − {@code fraction}). */
    public static Gate maxDecrease(String metric, double fraction) {
        return new Gate(metric, Kind.MAX_DECREASE, fraction);
    }

    /** At least or at most {@code bound}, by the metric's direction. */
    public static Gate threshold(String metric, double bound) {
        return new Gate(metric, Kind.THRESHOLD, bound);
    }

    /** Whether the gate compares with the baseline cohort. */
    public boolean relative() {
        return kind == Kind.MAX_INCREASE || kind == Kind.MAX_DECREASE;
    }

    /** A readable form: {@code task_success_rate >= 0.99}, {@code cost_per_task <= baseline x 1.2}. */
    @Override
    public String toString() {
        switch (kind) {
            case AT_LEAST:
                return metric + " >= " + value;
            case AT_MOST:
                return metric + " <= " + value;
            case MAX_INCREASE:
                return metric + " <= baseline x " + (1 + value);
            case MAX_DECREASE:
                return metric + " >= baseline x " + (1 - value);
            default:
                return metric + " threshold " + value;
        }
    }
}
