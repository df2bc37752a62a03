package dev.agentsre.anomaly;

import java.time.Instant;

/**
 * A metric value far from its agent's baseline, found by an {@link AnomalyDetector}.
 *
 * @param timestamp when it was recorded
 * @param agentId the agent
 * @param metric the metric's name, e.g. {@code latency_ms}
 * @param value the value
 * @param baseline the baseline centre (EWMA mean, or median)
 * @param spread the baseline spread used (floored standard deviation, or 1.4826 × MAD)
 * @param zScore {@code (value - baseline) / spread}; negative below the baseline
 * @param severity WARNING or CRITICAL
 */
public record MetricAnomaly(Instant timestamp, String agentId, String metric, double value, double baseline, double spread,
                            double zScore, AnomalySeverity severity) {

    /** A sentence for people. */
    public String describe() {
        return String.format("%s of %s is %.4g, %.1f spreads %s its baseline of %.4g (%s)", metric, agentId, value,
                Math.abs(zScore), zScore >= 0 ? "above" : "below", baseline, severity);
    }
}
