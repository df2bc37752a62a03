package dev.agentsre.delivery;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What one version did in the current step (for a shadowed candidate: in its shadow runs).
 *
 * @param calls calls (or shadow runs)
 * @param errors those that threw (or timed out)
 * @param latencyMeanMs mean latency in ms (NaN when none)
 * @param latencyP50Ms median latency in ms (NaN when none)
 * @param latencyP95Ms 95th percentile latency in ms (NaN when none)
 * @param latencyP99Ms 99th percentile latency in ms (NaN when none)
 * @param costMeanUsd mean cost per call in USD (NaN when none)
 * @param tokensMean mean tokens per call (NaN when none)
 * @param scores the mean of each declared score (NaN when none recorded)
 * @param signals the count of each signal
 */
public record CohortSnapshot(long calls, long errors, double latencyMeanMs, double latencyP50Ms, double latencyP95Ms, double latencyP99Ms,
                             double costMeanUsd, double tokensMean, Map<String, Double> scores, Map<String, Long> signals) {

    /** An empty cohort. */
    static final CohortSnapshot EMPTY = new CohortSnapshot(0, 0, Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN,
            Map.of(), Map.of());

    /** Copies the maps, keeping their order. */
    public CohortSnapshot {
        scores = Collections.unmodifiableMap(new LinkedHashMap<>(scores));
        signals = Collections.unmodifiableMap(new LinkedHashMap<>(signals));
    }

    /** {@code errors / calls}, NaN when there were no calls. */
    public double errorRate() {
        return calls == 0 ? Double.NaN : (double) errors / calls;
    }

    /** {@code 1 - errorRate()}, NaN when there were no calls. */
    public double successRate() {
        return calls == 0 ? Double.NaN : 1.0 - (double) errors / calls;
    }
}
