package dev.agentsre;

import java.time.Duration;

/** A task refused because the rogue-agent detector has quarantined the agent. */
public final class QuarantinedException extends TaskRefusedException {

    private static final long serialVersionUID = 1L;

    QuarantinedException(String agentId, String taskId, String message, Duration retryAfter) {
        super(agentId, taskId, message, retryAfter);
    }

    @Override
    public String reason() {
        return "quarantine";
    }
}
