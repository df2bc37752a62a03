package dev.agentsre.anomaly;

/** How far off a {@link MetricAnomaly} is. */
public enum AnomalySeverity {
    /** Beyond the detector's z threshold. */
    WARNING,
    /** Beyond the critical z threshold. */
    CRITICAL
}
