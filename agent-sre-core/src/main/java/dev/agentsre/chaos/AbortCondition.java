package dev.agentsre.chaos;

import dev.agentsre.internal.Check;

/**
 * Stops an experiment when a metric crosses a threshold: {@link #atMost} aborts when the value
 * drops to or below it (a success rate), {@link #atLeast} when it rises to or above it (latency,
 * cost). Metrics measured by the experiment itself on wrapped calls: {@value ChaosExperiment#SUCCESS_RATE},
 * {@value ChaosExperiment#P95_LATENCY_MS}, {@value ChaosExperiment#COST_PER_CALL}; any other name
 * is supplied by the caller to {@link ChaosExperiment#checkAbort}.
 *
 * @param metric the metric's name
 * @param threshold the threshold
 * @param atMost whether the experiment aborts at or below (true) or at or above (false) the threshold
 */
public record AbortCondition(String metric, double threshold, boolean atMost) {

    /** Validates. */
    public AbortCondition {
        Check.notBlank("metric", metric);
        Check.finite("threshold", threshold);
    }

    /** Abort when {@code metric <= threshold}. */
    public static AbortCondition atMost(String metric, double threshold) {
        return new AbortCondition(metric, threshold, true);
    }

    /** Abort when {@code metric >= threshold}. */
    public static AbortCondition atLeast(String metric, double threshold) {
        return new AbortCondition(metric, threshold, false);
    }

    /** Whether {@code value} meets the condition. NaN never does. */
    public boolean isMet(double value) {
        return atMost ? value <= threshold : value >= threshold;
    }

    /** The condition as met by {@code value}, in words. */
    String describe(double value) {
        return String.format("%s %.4g %s %.4g", metric, value, atMost ? "<=" : ">=", threshold);
    }
}
