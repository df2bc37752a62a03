package dev.agentsre;

import dev.agentsre.breaker.CircuitOpenException;
import java.time.Duration;

/**
 * A task refused because its agent's circuit breaker is open, or a call refused because the breaker
 * of its dependency (a model, a provider, a tool) is open. {@link #retryAfter()} is the breaker's
 * remaining wait.
 */
public final class CircuitOpenRefusedException extends TaskRefusedException {

    private static final long serialVersionUID = 1L;

    private final String dependency;

    /**
     * A refusal by the breaker of {@code dependency}, or of the agent itself when it is {@code null}.
     */
    public CircuitOpenRefusedException(String agentId, String taskId, String dependency, String message, Duration retryAfter) {
        this(agentId, taskId, dependency, message, retryAfter, null);
    }

    /** A refusal by a breaker whose own rejection is {@code cause} (its state and wait). */
    public CircuitOpenRefusedException(String agentId, String taskId, String dependency, String message, Duration retryAfter,
                                       CircuitOpenException cause) {
        super(Kind.CIRCUIT_OPEN, agentId, taskId, message, retryAfter, cause);
        this.dependency = dependency;
    }

    /** The dependency whose breaker is open, or {@code null} when it is the agent's own breaker. */
    public String dependency() {
        return dependency;
    }
}
