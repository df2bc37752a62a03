package dev.agentsre.event;

/** Events published by the {@link dev.agentsre.anomaly.RogueAgentDetector} and the {@link dev.agentsre.anomaly.AnomalyDetector}. */
public sealed interface RogueEvent extends SreEvent permits AgentQuarantined, AgentReleased, MetricAnomalyDetected, AgentEvicted {
}
