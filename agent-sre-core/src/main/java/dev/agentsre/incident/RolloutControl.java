package dev.agentsre.incident;

/**
 * Acts on an agent's rollout: what the {@code rollback_rollout}, {@code pause_rollout} and
 * {@code resume_rollout} responses and runbook actions call. Progressive delivery implements it.
 */
public interface RolloutControl {

    /** Rolls back the agent's active rollout; returns false when it has none. */
    boolean rollBack(String agentId, String reason);

    /** Pauses the agent's active rollout; returns false when it has none. */
    boolean pause(String agentId, String reason);

    /** Resumes the agent's paused rollout; returns false when it has none. */
    boolean resume(String agentId);
}
