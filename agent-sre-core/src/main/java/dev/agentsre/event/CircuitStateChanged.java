package dev.agentsre.event;

import dev.agentsre.breaker.CircuitState;
import java.time.Duration;
import java.time.Instant;

/**
 * A circuit breaker changed state.
 *
 * @param timestamp when, on the breaker's clock
 * @param agentId the breaker's agent
 * @param from the state before
 * @param to the state after
 * @param reason why, in words ("3 consecutive failures", "probe succeeded", ...)
 * @param failureRate failure rate of the sliding window in percent, or NaN when it was not
 *     evaluated (too few calls or rate tripping off)
 * @param openFor how long the breaker stays open when {@code to} is OPEN, otherwise {@link Duration#ZERO}
 */
public record CircuitStateChanged(Instant timestamp, String agentId, CircuitState from, CircuitState to, String reason,
                                  double failureRate, Duration openFor) implements BreakerEvent {
}
