package dev.agentsre.guard;

import dev.agentsre.GuardRefusedException;
import dev.agentsre.TaskLimits;
import dev.agentsre.TaskRefusedException;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;

/**
 * A task as the {@link CallGuard}s see it: who runs it, where it sits in a delegation tree, what it
 * has used so far, and — in {@link CallGuard#afterTask} — how it ended.
 */
public interface GuardedTask {

    /** The agent running the task. */
    String agentId();

    /** The task's id (a delegation's child task: {@code parentTaskId/agentId#n}). */
    String taskId();

    /** The task that delegated this one, or {@code null} for a task started with {@code AgentSre.agent(..).task(..)}. */
    GuardedTask parent();

    /** The task at the top of this task's delegation tree (itself when it has no parent). */
    GuardedTask root();

    /** Delegation hops from the root (0 for a root task). */
    int depth();

    /** The limits in force for this task (its own over the pipeline's). */
    TaskLimits limits();

    /** The cost estimated at the door, in USD (0 for a child task). */
    BigDecimal estimatedCostUsd();

    /** When the task passed the door. */
    Instant startedAt();

    /** Model calls started so far, the task's delegations included. */
    long modelCalls();

    /** Tool calls started so far, the task's delegations included. */
    long toolCalls();

    /** Tokens (input plus output) reported so far, the task's delegations included. */
    long tokens();

    /** What the task has cost so far in USD, the task's delegations included. */
    BigDecimal costUsd();

    /** The id of the trace capturing this task's tree, or {@code null} when nothing captures it. */
    String traceId();

    /** {@code guard}'s state for this task, or {@code null}. */
    Object state(CallGuard guard);

    /** Sets {@code guard}'s state for this task (from {@code beforeTask}). */
    void state(CallGuard guard, Object value);

    /** How the task ended; {@code null} while it runs. */
    Outcome outcome();

    /**
     * What ended it: the body's exception ({@link Outcome#FAILED}), the refusal
     * ({@link Outcome#REFUSED}), or {@code null} when it succeeded or still runs.
     */
    Throwable error();

    /** The first refusal of the task (at the door or of one of its calls), or {@code null}. */
    TaskRefusedException refusal();

    /** How long the task ran (zero while it runs or when it was refused at the door). */
    Duration duration();

    /** A refusal of this task by a user's guard, to throw from {@link CallGuard#beforeTask}. */
    GuardRefusedException refuse(String reason, String message);
}
