package dev.agentsre.replay;

import dev.agentsre.cost.TokenUsage;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * {@link AgentCalls} that pass every call on to {@link #delegate()}: extend it and override only
 * the calls you change — the pipeline's {@code TaskContext} guards model calls, tool calls and
 * delegations and forwards decisions and side effects to the trace capture; a telemetry decorator
 * wraps each call in a span; a meter counts the tokens a model call reports.
 *
 * <pre>{@code
 * class Counted extends ForwardingAgentCalls {
 *     final AtomicLong tools = new AtomicLong();
 *     final AgentCalls inner;
 *     Counted(AgentCalls inner) { this.inner = inner; }
 *     protected AgentCalls delegate() { return inner; }
 *     public <T, E extends Exception> T tool(String name, Object arguments, Call<T, E> call) throws E {
 *         tools.incrementAndGet();
 *         return super.tool(name, arguments, call);
 *     }
 * }
 * }</pre>
 */
public abstract class ForwardingAgentCalls implements AgentCalls {

    /** For subclasses. */
    protected ForwardingAgentCalls() {
    }

    /** The calls every method passes on to (read on every call: it may change, e.g. per task). */
    protected abstract AgentCalls delegate();

    @Override
    public <T, E extends Exception> T llm(String model, Object request, Call<T, E> call) throws E {
        return delegate().llm(model, request, call);
    }

    @Override
    public <T, E extends Exception> T llm(String model, Object request, Call<T, E> call, Function<? super T, TokenUsage> usage) throws E {
        return delegate().llm(model, request, call, usage);
    }

    @Override
    public <T, E extends Exception> T tool(String name, Object arguments, Call<T, E> call) throws E {
        return delegate().tool(name, arguments, call);
    }

    @Override
    public <T, E extends Exception> T delegate(String agent, Object request, Call<T, E> call) throws E {
        return delegate().delegate(agent, request, call);
    }

    @Override
    public <T> T decision(String name, T value) {
        return delegate().decision(name, value);
    }

    @Override
    public <T> T sideEffect(String name, Supplier<T> supplier) {
        return delegate().sideEffect(name, supplier);
    }
}
