package dev.agentsre.event;

import dev.agentsre.breaker.CircuitState;
import java.time.Duration;
import java.time.Instant;

/**
 * A circuit breaker refused a call.
 *
 * @param timestamp when
 * @param agentId the breaker's agent
 * @param state the state that refused it (OPEN, HALF_OPEN with every probe slot taken, FORCED_OPEN)
 * @param retryAfter when a call may next be admitted, &gt; 0
 */
public record CallRejected(Instant timestamp, String agentId, CircuitState state, Duration retryAfter) implements BreakerEvent {
}
