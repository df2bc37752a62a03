package dev.agentsre;

import java.time.Duration;

/** A task refused because the agent's circuit breaker is open. */
public final class CircuitOpenRefusedException extends TaskRefusedException {

    private static final long serialVersionUID = 1L;

    CircuitOpenRefusedException(String agentId, String taskId, String message, Duration retryAfter) {
        super(agentId, taskId, message, retryAfter);
    }

    @Override
    public String reason() {
        return "circuit_open";
    }
}
