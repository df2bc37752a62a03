package dev.agentsre.delivery;

import dev.agentsre.cost.PriceTable;
import dev.agentsre.cost.TokenUsage;
import dev.agentsre.internal.Money;
import dev.agentsre.replay.AgentCalls;
import dev.agentsre.replay.Call;
import dev.agentsre.replay.ForwardingAgentCalls;
import java.util.concurrent.atomic.AtomicLongFieldUpdater;
import java.util.function.Function;

/**
 * Passes every call to {@code inner} and counts the tokens of model calls that report their usage,
 * priced with {@code prices} as the pipeline prices them: a model the table knows at its price, an
 * unknown one at the table's fallback price — and with neither, the call is refused before it runs
 * (the table's error names the model and the closest known ids), so a version's cost is never
 * under-counted by tokens nobody priced. One per version run; safe for a run that makes calls from
 * several threads.
 */
class MeteredCalls extends ForwardingAgentCalls {

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
    protected AgentCalls delegate() {
        return inner;
    }

    @Override
    public <T, E extends Exception> T llm(String model, Object request, Call<T, E> call, Function<? super T, TokenUsage> usage) throws E {
        if (prices != null && usage != null) {
            prices.checkPriceable(model); // an unpriceable call never runs, as in the pipeline
        }
        T result = inner.llm(model, request, call, usage);
        meter(model, result, usage);
        return result;
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
        if (prices != null && model != null) {
            COST.addAndGet(this, Money.toNanos("cost", prices.cost(model, used))); // known, or the fallback price
        }
    }
}
