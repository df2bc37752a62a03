package dev.agentsre;

import java.time.Duration;

/**
 * A task or call refused because the rogue-agent detector has quarantined the agent — before the
 * task, or while it ran (its next call is refused). A person (or the detector's auto-release)
 * releases it, so {@link #retryAfter()} is zero.
 */
public final class QuarantinedException extends TaskRefusedException {

    private static final long serialVersionUID = 1L;

    /** A refusal of {@code taskId} of the quarantined {@code agentId}. */
    public QuarantinedException(String agentId, String taskId, String message) {
        super(Kind.QUARANTINE, agentId, taskId, message, Duration.ZERO, null);
    }
}
