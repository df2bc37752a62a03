package dev.agentsre;

import java.time.Duration;

/**
 * A task or call refused by a cost budget: the estimate does not fit, a kill switch is engaged
 * (also one that fired while the task ran), the task has reached its per-task limit, or a call's
 * declared worst case does not fit.
 */
public final class BudgetExceededException extends TaskRefusedException {

    private static final long serialVersionUID = 1L;

    /** A refusal of {@code taskId} of {@code agentId}; {@code message} names the budget and the figures. */
    public BudgetExceededException(String agentId, String taskId, String message, Duration retryAfter) {
        super(Kind.BUDGET, agentId, taskId, message, retryAfter, null);
    }
}
