package dev.agentsre.delivery;

/** What a rollout does when a step's gates cannot be decided within the step's maximum duration. */
public enum InconclusiveAction {
    /** Pause for a person to promote, resume or roll back (Argo Rollouts' rule). */
    PAUSE,
    /** Roll back. */
    ROLLBACK
}
