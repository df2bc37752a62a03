package dev.agentsre.cost;

/** The budgets a {@link CostGuard} enforces. */
public enum BudgetScope {
    /** One task's spend, against the per-task limit. */
    TASK,
    /** One agent's spend in the current day. */
    AGENT,
    /** One tenant's (a budget owner other than the agent) spend in the current month. */
    TENANT,
    /** The organisation's spend in the current month. */
    ORGANIZATION
}
