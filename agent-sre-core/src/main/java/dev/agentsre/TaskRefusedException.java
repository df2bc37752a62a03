package dev.agentsre;

import java.time.Duration;

/**
 * The pipeline refused to start a task; the task body did not run. Subclasses say which guard:
 * {@link QuarantinedException}, {@link ThrottledException}, {@link BudgetExceededException},
 * {@link CircuitOpenRefusedException}.
 */
public abstract class TaskRefusedException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final String agentId;
    private final String taskId;
    private final Duration retryAfter;

    TaskRefusedException(String agentId, String taskId, String message, Duration retryAfter) {
        super(message, null, false, false);
        this.agentId = agentId;
        this.taskId = taskId;
        this.retryAfter = retryAfter;
    }

    /** The agent. */
    public String agentId() {
        return agentId;
    }

    /** The task. */
    public String taskId() {
        return taskId;
    }

    /** When a retry may succeed; {@link Duration#ZERO} when unknown (a kill switch, a quarantine). */
    public Duration retryAfter() {
        return retryAfter;
    }

    /** A short machine-readable reason: {@code quarantine}, {@code throttled}, {@code budget}, {@code circuit_open}. */
    public abstract String reason();
}
