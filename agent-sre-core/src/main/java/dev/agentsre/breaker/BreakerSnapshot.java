package dev.agentsre.breaker;

import java.time.Duration;

/**
 * A point-in-time view of a {@link CircuitBreaker}.
 *
 * @param agentId the agent
 * @param state the state
 * @param failureCount consecutive failures in CLOSED (the tripping count while OPEN)
 * @param failureRate failure rate of the sliding window in percent, NaN when no window is tracked
 *     or the circuit is not CLOSED
 * @param slowCallRate slow-call rate of the sliding window in percent, NaN likewise
 * @param bufferedCalls calls currently in the sliding window
 * @param successfulCalls successful calls since creation
 * @param failedCalls failed calls since creation
 * @param slowCalls slow calls since creation
 * @param ignoredCalls calls whose exception was ignored, since creation
 * @param rejectedCalls rejected calls since creation
 * @param retryAfter when a call may next be admitted; zero while calls are admitted
 */
public record BreakerSnapshot(String agentId, CircuitState state, int failureCount, double failureRate, double slowCallRate,
                              long bufferedCalls, long successfulCalls, long failedCalls, long slowCalls, long ignoredCalls,
                              long rejectedCalls, Duration retryAfter) {
}
