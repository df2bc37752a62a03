package dev.agentsre.guard;

import dev.agentsre.GuardRefusedException;
import dev.agentsre.cost.TokenUsage;
import java.math.BigDecimal;
import java.time.Duration;

/**
 * One call of a task as the {@link CallGuard}s see it: what is called, and — in
 * {@link CallGuard#afterCall} — how it went. The observation point for incident topology (agent →
 * dependency edges with their outcomes), telemetry spans and cost attribution.
 */
public interface GuardedCall {

    /** The task making the call. */
    GuardedTask task();

    /** Model call, tool call or delegation. */
    CallKind kind();

    /** The model id, tool name or agent id called. */
    String target();

    /**
     * The dependency the call reaches, by the pipeline's dependency key (default: the model id or
     * tool name; {@code null} for a delegation, whose callee is a task of its own).
     */
    String dependency();

    /** {@code kind:target}: {@code llm:gpt-4o}, {@code tool:shell_exec}, {@code delegate:agent-b}. */
    String describe();

    /** The request or arguments, as passed by the task (not copied). */
    Object request();

    /** The worst case the task declared for a model call (its prompt and {@code maxOutputTokens}), or {@code null}. */
    TokenUsage worstCase();

    /** {@code guard}'s state for this call, or {@code null}. */
    Object state(CallGuard guard);

    /** Sets {@code guard}'s state for this call (from {@code beforeCall}). */
    void state(CallGuard guard, Object value);

    /** How the call ended; {@code null} before it did. */
    Outcome outcome();

    /** What the call returned ({@link Outcome#SUCCEEDED}), else {@code null}. */
    Object result();

    /** What it threw ({@link Outcome#FAILED}) or the refusal ({@link Outcome#REFUSED}), else {@code null}. */
    Throwable error();

    /** How long the callee ran (zero when refused). */
    Duration duration();

    /** The token usage the call reported, or {@code null}. */
    TokenUsage usage();

    /** What the call was charged in USD (its priced usage; zero when unpriced or refused). */
    BigDecimal costUsd();

    /** A refusal of this call by a user's guard, to throw from {@link CallGuard#beforeCall}. */
    GuardRefusedException refuse(String reason, String message);
}
