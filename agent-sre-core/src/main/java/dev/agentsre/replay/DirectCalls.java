package dev.agentsre.replay;

import dev.agentsre.cost.TokenUsage;
import java.util.function.Function;
import java.util.function.Supplier;

/** {@link AgentCalls#direct()}: every call just runs. */
enum DirectCalls implements AgentCalls {
    INSTANCE;

    @Override
    public <T, E extends Exception> T llm(String model, Object request, Call<T, E> call) throws E {
        return call.call();
    }

    @Override
    public <T, E extends Exception> T llm(String model, Object request, Call<T, E> call, Function<? super T, TokenUsage> usage) throws E {
        return call.call();
    }

    @Override
    public <T, E extends Exception> T tool(String name, Object arguments, Call<T, E> call) throws E {
        return call.call();
    }

    @Override
    public <T, E extends Exception> T delegate(String agent, Object request, Call<T, E> call) throws E {
        return call.call();
    }

    @Override
    public <T> T decision(String name, T value) {
        return value;
    }

    @Override
    public <T> T sideEffect(String name, Supplier<T> supplier) {
        return supplier.get();
    }
}
