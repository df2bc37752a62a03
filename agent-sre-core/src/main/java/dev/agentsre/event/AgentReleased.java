package dev.agentsre.event;

import java.time.Instant;

/**
 * A quarantined agent was released.
 *
 * @param timestamp when
 * @param agentId the agent
 * @param reason {@code "released manually"} or the calm period that released it automatically
 */
public record AgentReleased(Instant timestamp, String agentId, String reason) implements RogueEvent {
}
