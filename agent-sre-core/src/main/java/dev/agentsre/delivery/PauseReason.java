package dev.agentsre.delivery;

/** Why a rollout is {@link RolloutState#PAUSED}. Traffic stays split as it was while paused. */
public enum PauseReason {
    /** {@link AgentRollout#pause()} was called; {@link AgentRollout#resume()} continues. */
    MANUAL,
    /** A {@link RolloutStep#pause()} step waits for {@link AgentRollout#promote()} (or its duration). */
    STEP,
    /** The step's gates could not be decided within its maximum duration; a person decides. */
    INCONCLUSIVE,
    /** The step was ready to advance, but deployments of the agent are frozen; it advances when the freeze lifts. */
    FROZEN,
    /** A rollback trigger fired while automatic rollback is off; the evidence is in the event. */
    TRIGGERED
}
