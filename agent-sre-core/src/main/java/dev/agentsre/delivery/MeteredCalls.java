package dev.agentsre.delivery;

import dev.agentsre.cost.PriceTable;
import dev.agentsre.cost.TokenUsage;
import dev.agentsre.internal.Money;
import dev.agentsre.replay.AgentCalls;
import dev.agentsre.replay.Call;
import java.util.concurrent.atomic.AtomicLongFieldUpdater;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Passes every call to {@code inner} and counts the tokens of model calls that report their usage,
 * priced with {@code prices} when it knows the model. One per version run; safe for a run that makes
 * calls from several threads.
 */
class MeteredCalls implements AgentCalls {

    private static final AtomicLongFieldUpdater<MeteredCalls> TOKENS = AtomicLongFieldUpdater.newUpdater(MeteredCalls.class, "tokens");
    private static final AtomicLongFieldUpdater<MeteredCalls> COST = AtomicLongFieldUpdater.newUpdater(MeteredCalls.class, "costNanos");

    private final AgentCalls inner;
    private final PriceTable prices;
    private volatile long tokens;
    private volatile long costNanos;

    MeteredCalls(AgentCalls inner, PriceTable prices) {
        this.inner = inner;
        this.prices = prices;
    }

    long tokens() {
        return tokens;
    }

    long costNanos() {
        return costNanos;
    }

    @Override
    public <T, E extends Exception> T llm(String model, Object request, Call<T, E> call) throws E {
        return inner.llm(model, request, call);
    }

    @Override
    public <T, E extends Exception> T llm(String model, Object request, Call<T, E> call, Function<? super T, TokenUsage> usage) throws E {
        T result = inner.llm(model, request, call, usage);
        meter(model, result, usage);
        return result;
    }

    @Override
    public <T, E extends Exception> T tool(String name, Object arguments, Call<T, E> call) throws E {
        return inner.tool(name, arguments, call);
    }

    @Override
    public <T, E extends Exception> T delegate(String agent, Object request, Call<T, E> call) throws E {
        return inner.delegate(agent, request, call);
    }

    @Override
    public <T> T decision(String name, T value) {
        return inner.decision(name, value);
    }

    @Override
    public <T> T sideEffect(String name, Supplier<T> supplier) {
        return inner.sideEffect(name, supplier);
    }

    /** Counts the usage {@code result} reports; a usage function that throws only loses the count. */
    final <T> void meter(String model, T result, Function<? super T, TokenUsage> usage) {
        if (usage == null) {
            return;
        }
        TokenUsage used;
        try {
            used = usage.apply(result);
        } catch (RuntimeException e) {
            return;
        }
        if (used == null) {
            return;
        }
        TOKENS.addAndGet(this, used.totalTokens());
        if (prices != null && model != null && prices.find(model).isPresent()) {
            COST.addAndGet(this, Money.toNanos("cost", prices.cost(model, used)));
        }
    }
}
