package dev.agentsre.event;

import dev.agentsre.anomaly.MetricAnomaly;
import java.time.Instant;

/**
 * An {@link dev.agentsre.anomaly.AnomalyDetector} found a metric value far from the agent's baseline.
 *
 * @param timestamp when
 * @param agentId the agent
 * @param anomaly the finding
 */
public record MetricAnomalyDetected(Instant timestamp, String agentId, MetricAnomaly anomaly) implements RogueEvent {
}
