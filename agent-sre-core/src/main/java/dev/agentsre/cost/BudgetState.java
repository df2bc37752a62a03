package dev.agentsre.cost;

/** How a budget is being enforced in its current period. */
public enum BudgetState {
    /** Tasks are admitted while they fit. */
    ACTIVE,
    /** Utilisation passed the throttle threshold: tasks are admitted at a reduced rate. */
    THROTTLED,
    /** Utilisation passed the kill-switch threshold: every task is denied until the period rolls over or it is revived. */
    KILLED
}
