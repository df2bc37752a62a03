package dev.agentsre.event;

import java.time.Instant;

/**
 * A {@link dev.agentsre.breaker.CircuitBreakerRegistry} dropped an agent's breaker: exporters can drop
 * its series. A breaker that is not CLOSED is never evicted.
 *
 * @param timestamp when
 * @param agentId the agent
 * @param cause why it was dropped
 */
public record BreakerRemoved(Instant timestamp, String agentId, Cause cause) implements BreakerEvent {

    /** Why a breaker was dropped. */
    public enum Cause {
        /** To make room for a new agent under the registry's cap. */
        EVICTED,
        /** Not fetched for the idle timeout ({@code evictIdle()}). */
        IDLE,
        /** Removed explicitly ({@code remove(agentId)}). */
        REMOVED
    }
}
