package dev.agentsre.delivery;

/**
 * Where a rollout is. PENDING → SHADOW / CANARY steps (with PAUSED in between) → PROMOTED, or
 * ROLLED_BACK (by a trigger, a failed gate or by hand) or ABORTED (by hand). The last three are
 * terminal: a terminal rollout accepts no transition; start a new rollout instead.
 */
public enum RolloutState {
    /** Built, not started: every call goes to the baseline. */
    PENDING,
    /** In a shadow step: the baseline serves, the candidate runs on a copy of sampled requests. */
    SHADOW,
    /** In a canary step: the candidate serves its share of sessions. */
    CANARY,
    /** Held at its current traffic split; see {@link PauseReason}. */
    PAUSED,
    /** Every call goes to the candidate. */
    PROMOTED,
    /** Rolled back: every call goes to the baseline. */
    ROLLED_BACK,
    /** Stopped by hand: every call goes to the baseline. */
    ABORTED;

    /** Whether no further transition is possible. */
    public boolean isTerminal() {
        return this == PROMOTED || this == ROLLED_BACK || this == ABORTED;
    }
}
