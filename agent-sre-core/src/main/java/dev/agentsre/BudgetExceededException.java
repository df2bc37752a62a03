package dev.agentsre;

import java.time.Duration;

/** A task refused because the task does not fit a cost budget, or a kill switch is engaged. */
public final class BudgetExceededException extends TaskRefusedException {

    private static final long serialVersionUID = 1L;

    BudgetExceededException(String agentId, String taskId, String message, Duration retryAfter) {
        super(agentId, taskId, message, retryAfter);
    }

    @Override
    public String reason() {
        return "budget";
    }
}
