package dev.agentsre;

import java.time.Duration;

/** A task refused because the agent is throttled (by its cost budget or an exhausted SLO); retry after retryAfter(). */
public final class ThrottledException extends TaskRefusedException {

    private static final long serialVersionUID = 1L;

    ThrottledException(String agentId, String taskId, String message, Duration retryAfter) {
        super(agentId, taskId, message, retryAfter);
    }

    @Override
    public String reason() {
        return "throttled";
    }
}
