package dev.agentsre.cost;

/** What a {@link CostDecision} or {@link CostAlert} asks for. */
public enum BudgetAction {
    /** Proceed. */
    ALLOW,
    /** Take note: a utilisation threshold was crossed or a task went over its limit. */
    ALERT,
    /** Slow down: the agent is admitted at a reduced task rate. */
    THROTTLE,
    /** Refused: the task would exceed a limit. */
    DENY,
    /** Stop: a kill switch is engaged; every task is denied until the period rolls over or a revive. */
    KILL,
    /** Spending deviates from the agent's baseline (a spike or a runaway loop). */
    ANOMALY
}
