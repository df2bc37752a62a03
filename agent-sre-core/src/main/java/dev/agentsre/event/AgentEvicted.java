package dev.agentsre.event;

import java.time.Instant;

/**
 * A {@link dev.agentsre.anomaly.RogueAgentDetector} forgot an agent to make room under its cap:
 * exporters can drop its series. A quarantined agent is never evicted.
 *
 * @param timestamp when
 * @param agentId the agent
 */
public record AgentEvicted(Instant timestamp, String agentId) implements RogueEvent {
}
