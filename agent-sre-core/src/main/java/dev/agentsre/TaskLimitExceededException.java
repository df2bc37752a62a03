package dev.agentsre;

import java.time.Duration;

/**
 * A call refused because the task reached one of its {@link TaskLimits}: {@link #limit()} names it
 * ({@code maxModelCalls}, {@code maxToolCalls}, {@code maxTokens}, {@code maxDuration},
 * {@code maxDelegationDepth}) and {@link #value()} is its value (milliseconds for
 * {@code maxDuration}).
 */
public final class TaskLimitExceededException extends TaskRefusedException {

    private static final long serialVersionUID = 1L;

    private final String limit;
    private final long value;

    /** A refusal by the limit {@code limit} of value {@code value}. */
    public TaskLimitExceededException(String agentId, String taskId, String limit, long value, String message) {
        super(Kind.TASK_LIMIT, agentId, taskId, message, Duration.ZERO, null);
        this.limit = limit;
        this.value = value;
    }

    /** The limit that refused: {@code maxModelCalls}, {@code maxToolCalls}, {@code maxTokens}, {@code maxDuration} or {@code maxDelegationDepth}. */
    public String limit() {
        return limit;
    }

    /** The limit's value (a count, tokens, a depth, or milliseconds for {@code maxDuration}). */
    public long value() {
        return value;
    }
}
