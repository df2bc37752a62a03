package dev.agentsre;

import dev.agentsre.chaos.ChaosInjector;
import dev.agentsre.cost.PriceTable;
import dev.agentsre.cost.TokenUsage;
import dev.agentsre.internal.Check;
import dev.agentsre.internal.Money;
import dev.agentsre.replay.AgentCalls;
import dev.agentsre.replay.Call;
import java.math.BigDecimal;
import java.util.concurrent.atomic.AtomicLongFieldUpdater;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * What a guarded task sees: the {@link AgentCalls} to make its model calls, tool calls and
 * delegations through, and where to report what they cost. Every call goes through the chaos
 * injector (when an experiment runs), the trace capture (when a store is configured) and, for tool
 * calls, the rogue-agent detector. Model calls that report their token usage are priced with the
 * cost guard's price table; {@link #reportCost} adds anything else. Used by one task.
 */
public final class TaskContext implements AgentCalls {

    private final String agentId;
    private final String taskId;
    private final AgentSre sre;
    private final AgentCalls recorder;
    private final ChaosInjector chaos;
    private final PriceTable prices;
    // Field updaters rather than two AtomicLongs: a context is made per task, and this saves 32 bytes each.
    private static final AtomicLongFieldUpdater<TaskContext> COST = AtomicLongFieldUpdater.newUpdater(TaskContext.class, "costNanos");
    private static final AtomicLongFieldUpdater<TaskContext> TOKENS = AtomicLongFieldUpdater.newUpdater(TaskContext.class, "tokens");
    private volatile long costNanos;
    private volatile long tokens;
    private volatile boolean costReported;

    TaskContext(String agentId, String taskId, AgentSre sre, AgentCalls recorder, ChaosInjector chaos, PriceTable prices) {
        this.agentId = agentId;
        this.taskId = taskId;
        this.sre = sre;
        this.recorder = recorder;
        this.chaos = chaos;
        this.prices = prices;
    }

    /** The agent running the task. */
    public String agentId() {
        return agentId;
    }

    /** The task. */
    public String taskId() {
        return taskId;
    }

    /** Adds {@code usd} to the task's cost (a tool's fee, a call priced elsewhere). */
    public void reportCost(double usd) {
        COST.addAndGet(this, Money.toNanos("usd", usd));
        costReported = true;
    }

    /** Adds a model call's token usage (priced with the price table when {@code model} is known to it). */
    public void reportTokens(String model, TokenUsage usage) {
        Check.notNull("usage", usage);
        TOKENS.addAndGet(this, usage.totalTokens());
        if (prices != null && model != null && prices.find(model).isPresent()) {
            COST.addAndGet(this, Money.toNanos("cost", prices.cost(model, usage)));
            costReported = true;
        }
    }

    /** The task's reported cost so far. */
    public BigDecimal costUsd() {
        return Money.toUsd(costNanos);
    }

    long costNanos() {
        return costNanos;
    }

    boolean costReported() {
        return costReported;
    }

    long tokens() {
        return tokens;
    }

    @Override
    public <T, E extends Exception> T llm(String model, Object request, Call<T, E> call) throws E {
        return recorder.llm(model, request, () -> throughChaos(model, call));
    }

    @Override
    public <T, E extends Exception> T llm(String model, Object request, Call<T, E> call, Function<? super T, TokenUsage> usage) throws E {
        T result = recorder.llm(model, request, () -> throughChaos(model, call), usage);
        TokenUsage used = usage == null ? null : usage.apply(result);
        if (used != null) {
            reportTokens(model, used);
        }
        return result;
    }

    @Override
    public <T, E extends Exception> T tool(String name, Object arguments, Call<T, E> call) throws E {
        sre.recordToolCall(agentId, name, arguments);
        return recorder.tool(name, arguments, () -> throughChaos(name, call));
    }

    @Override
    public <T, E extends Exception> T delegate(String agent, Object request, Call<T, E> call) throws E {
        return recorder.delegate(agent, request, () -> throughChaos(agent, call));
    }

    @Override
    public <T> T decision(String name, T value) {
        return recorder.decision(name, value);
    }

    @Override
    public <T> T sideEffect(String name, Supplier<T> supplier) {
        return recorder.sideEffect(name, supplier);
    }

    private <T, E extends Exception> T throughChaos(String target, Call<T, E> call) throws E {
        if (chaos == null || !chaos.isActive()) {
            return call.call();
        }
        try {
            return chaos.wrap(target, taskId, call::call).call();
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Exception e) {
            // Either the call's own checked exception E, or an InterruptedException from an injected wait.
            throw TaskContext.<RuntimeException>sneaky(e);
        }
    }

    @SuppressWarnings("unchecked")
    private static <X extends Throwable> X sneaky(Throwable t) throws X {
        throw (X) t;
    }
}
