package dev.agentsre;

import java.time.Duration;

/**
 * The pipeline refused a task at the door or one of its calls in flight. One {@code catch} around
 * {@code call(...)} handles both; the subtype says which guard refused:
 * {@link QuarantinedException}, {@link ThrottledException}, {@link BudgetExceededException},
 * {@link CircuitOpenRefusedException}, {@link CapabilityViolationException},
 * {@link TaskLimitExceededException}, or a user's guard ({@link GuardRefusedException}).
 *
 * <p>Refused at the door ({@link #inFlight()} false, {@link #refusedCall()} empty), the body did not
 * run and nothing stays held. Refused in flight ({@link #inFlight()} true), the call named by
 * {@link #refusedCall()} — {@code llm:gpt-4o}, {@code tool:shell_exec}, {@code delegate:agent-b} —
 * did not run; the exception is thrown from that call inside the body. Every refusal publishes a
 * {@link dev.agentsre.event.TaskRefused} event. No stack trace is captured: refusals are expected
 * control flow, and cheap. {@link #kind()} says which guard refused as an enum, {@link #reason()}
 * as a string (a user guard's own, for {@link Kind#GUARD}); the component's own exception, when
 * there is one (a breaker's {@link dev.agentsre.breaker.CircuitOpenException}), is the cause.
 */
public abstract sealed class TaskRefusedException extends RuntimeException
        permits QuarantinedException, ThrottledException, BudgetExceededException, CircuitOpenRefusedException,
        CapabilityViolationException, TaskLimitExceededException, GuardRefusedException {

    private static final long serialVersionUID = 1L;

    /** Which guard refused. */
    public enum Kind {
        /** The rogue-agent detector quarantined the agent ({@link QuarantinedException}). */
        QUARANTINE("quarantine"),
        /** An exhausted SLO or a cost budget throttles the agent ({@link ThrottledException}). */
        THROTTLED("throttled"),
        /** A cost budget ({@link BudgetExceededException}). */
        BUDGET("budget"),
        /** The agent's or a dependency's circuit breaker ({@link CircuitOpenRefusedException}). */
        CIRCUIT_OPEN("circuit_open"),
        /** A tool outside the agent's capability profile ({@link CapabilityViolationException}). */
        CAPABILITY("capability"),
        /** One of the task's {@link TaskLimits} ({@link TaskLimitExceededException}). */
        TASK_LIMIT("task_limit"),
        /** A user's own guard ({@link GuardRefusedException}). */
        GUARD("guard");

        private final String code;

        Kind(String code) {
            this.code = code;
        }

        /** The short machine-readable reason, as {@link TaskRefusedException#reason()} gives it. */
        public String code() {
            return code;
        }
    }

    private final Kind kind;
    private final String agentId;
    private final String taskId;
    private final Duration retryAfter;
    private String refusedCall = "";
    private boolean inFlight;

    TaskRefusedException(Kind kind, String agentId, String taskId, String message, Duration retryAfter, Throwable cause) {
        super(message, cause, false, false);
        this.kind = kind;
        this.agentId = agentId;
        this.taskId = taskId;
        this.retryAfter = retryAfter == null ? Duration.ZERO : retryAfter;
    }

    /** Which guard refused. */
    public Kind kind() {
        return kind;
    }

    /** The agent whose task (or call) was refused. */
    public String agentId() {
        return agentId;
    }

    /** The task. */
    public String taskId() {
        return taskId;
    }

    /** When a retry may succeed; {@link Duration#ZERO} when unknown (a kill switch, a quarantine, a limit). */
    public Duration retryAfter() {
        return retryAfter;
    }

    /**
     * A short machine-readable reason: {@code quarantine}, {@code throttled}, {@code budget},
     * {@code circuit_open}, {@code capability}, {@code task_limit} ({@link Kind#code()}), or a user
     * guard's own.
     */
    public String reason() {
        return kind.code();
    }

    /** The refused call, {@code kind:target} ({@code llm:gpt-4o}, {@code tool:shell_exec}, {@code delegate:agent-b}); empty at the door. */
    public String refusedCall() {
        return refusedCall;
    }

    /** Whether the task was already running (a call refused in flight) rather than refused at the door. */
    public boolean inFlight() {
        return inFlight;
    }

    /** Marks this refusal as one of {@code call} in flight; called once, before it is thrown. */
    TaskRefusedException inFlight(String call) {
        this.refusedCall = call;
        this.inFlight = true;
        return this;
    }
}
