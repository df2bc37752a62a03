package dev.agentsre.breaker;

import java.time.Duration;

/**
 * Thrown (or, for asynchronous calls, used to fail the stage) when a {@link CircuitBreaker} refuses
 * a call. Unchecked. Carries no stack trace: it is an expected, frequent outcome, and the
 * breaker's agent and state say everything.
 */
public class CircuitOpenException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final String agentId;
    private final CircuitState state;
    private final Duration retryAfter;

    /** A rejection by {@code agentId}'s breaker in {@code state}. */
    public CircuitOpenException(String agentId, CircuitState state, Duration retryAfter) {
        super("circuit breaker of agent '" + agentId + "' is " + state + "; retry after " + format(retryAfter), null, false, false);
        this.agentId = agentId;
        this.state = state;
        this.retryAfter = retryAfter;
    }

    /** The agent whose breaker refused the call. */
    public String agentId() {
        return agentId;
    }

    /** The state that refused it. */
    public CircuitState state() {
        return state;
    }

    /** How long until a call may be admitted again; always &gt; 0. */
    public Duration retryAfter() {
        return retryAfter;
    }

    private static String format(Duration d) {
        long millis = d.toMillis();
        return millis >= 1_000 ? String.format("%.1f s", millis / 1_000.0) : millis + " ms";
    }
}
