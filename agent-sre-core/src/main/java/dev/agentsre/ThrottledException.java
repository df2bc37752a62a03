package dev.agentsre;

import java.time.Duration;

/**
 * A task refused because its agent is throttled — by an exhausted SLO with the THROTTLE action, or
 * by the cost guard near a budget's limit; {@link #retryAfter()} says when the next task is admitted.
 */
public final class ThrottledException extends TaskRefusedException {

    private static final long serialVersionUID = 1L;

    /** A refusal of {@code taskId} of {@code agentId}, to be retried after {@code retryAfter}. */
    public ThrottledException(String agentId, String taskId, String message, Duration retryAfter) {
        super(Kind.THROTTLED, agentId, taskId, message, retryAfter, null);
    }
}
