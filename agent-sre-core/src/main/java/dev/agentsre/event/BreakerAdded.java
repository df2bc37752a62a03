package dev.agentsre.event;

import java.time.Instant;

/**
 * A {@link dev.agentsre.breaker.CircuitBreakerRegistry} created a breaker for a new agent.
 *
 * @param timestamp when
 * @param agentId the agent
 * @param configName the named configuration it was built from ({@code "default"} for the default)
 */
public record BreakerAdded(Instant timestamp, String agentId, String configName) implements BreakerEvent {
}
