package dev.agentsre;

import dev.agentsre.breaker.CircuitBreaker;
import dev.agentsre.cost.TokenUsage;
import dev.agentsre.guard.CallGuard;
import dev.agentsre.guard.CallKind;
import dev.agentsre.guard.GuardedCall;
import dev.agentsre.guard.GuardedTask;
import dev.agentsre.guard.Outcome;
import dev.agentsre.internal.Money;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.function.Function;

/**
 * One call of a task on its way through the guard chain: the descriptor the guards see, the
 * outcome they observe, and the built-in guards' per-call state. One object per call; written by the
 * thread making the call.
 */
final class CallFrame implements GuardedCall {

    final TaskRun run;
    final CallKind kind;
    final String target;
    final Object request;
    final TokenUsage worstCase;
    final Function<Object, TokenUsage> usageFn;
    String dependency;

    /** Whether every guard admitted the call and the callee was invoked. */
    boolean started;
    Outcome outcome;
    Object result;
    Throwable error;
    long durationMillis;
    TokenUsage usage;
    long costNanos;

    // Built-in guards' state (fields rather than slots: nothing to allocate on the hot path).
    CircuitBreaker.Permit dependencyPermit;
    long worstCaseHoldNanos;
    /** The model's rates, resolved by the budget guard before the call. */
    Object rates;
    /** The pipeline's clock when the call entered the chain. */
    long enteredMillis;
    private Object[] slots;

    @SuppressWarnings("unchecked")
    CallFrame(TaskRun run, CallKind kind, String target, Object request, TokenUsage worstCase, Function<?, TokenUsage> usageFn) {
        this.run = run;
        this.kind = kind;
        this.target = target;
        this.request = request;
        this.worstCase = worstCase;
        this.usageFn = (Function<Object, TokenUsage>) usageFn;
    }

    @Override
    public GuardedTask task() {
        return run;
    }

    @Override
    public CallKind kind() {
        return kind;
    }

    @Override
    public String target() {
        return target;
    }

    @Override
    public String dependency() {
        return dependency;
    }

    @Override
    public String describe() {
        return kind.prefix() + ":" + target;
    }

    @Override
    public Object request() {
        return request;
    }

    @Override
    public TokenUsage worstCase() {
        return worstCase;
    }

    @Override
    public Object state(CallGuard guard) {
        Object[] s = slots;
        return s == null ? null : s[run.sre.guardIndex(guard)];
    }

    @Override
    public void state(CallGuard guard, Object value) {
        int i = run.sre.guardIndex(guard);
        if (slots == null) {
            slots = new Object[run.sre.guardCount()];
        }
        slots[i] = value;
    }

    @Override
    public Outcome outcome() {
        return outcome;
    }

    @Override
    public Object result() {
        return result;
    }

    @Override
    public Throwable error() {
        return error;
    }

    @Override
    public Duration duration() {
        return Duration.ofMillis(durationMillis);
    }

    @Override
    public TokenUsage usage() {
        return usage;
    }

    @Override
    public BigDecimal costUsd() {
        return Money.toUsd(costNanos);
    }

    @Override
    public GuardRefusedException refuse(String reason, String message) {
        return new GuardRefusedException(run.agentId, run.taskId, reason, describe() + " refused: " + message, Duration.ZERO);
    }

    @Override
    public String toString() {
        return "GuardedCall{" + describe() + " of " + run.agentId + "/" + run.taskId + (outcome == null ? "" : ", " + outcome) + '}';
    }
}
