package dev.agentsre.delivery;

import dev.agentsre.cost.TokenUsage;
import dev.agentsre.internal.Throwables;
import dev.agentsre.replay.AgentCalls;
import dev.agentsre.replay.Call;
import dev.agentsre.replay.TraceCapture;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The baseline's calls on a shadowed request: each goes to {@code inner} (the pipeline's context, or
 * straight through) and is recorded by {@code capture}, so that the candidate's calls can be served
 * from the recording. Recording never changes the baseline's call: when the capture fails (a result
 * Jackson cannot write, the step cap) the call still runs exactly once and returns or throws as it
 * would have, and the recording is marked broken (the shadow of this request is then skipped).
 */
final class RecordingCalls implements AgentCalls {

    private final TraceCapture capture;
    private final AgentCalls inner;
    private volatile boolean broken;

    RecordingCalls(TraceCapture capture, AgentCalls inner) {
        this.capture = capture;
        this.inner = inner;
    }

    boolean broken() {
        return broken;
    }

    @Override
    public <T, E extends Exception> T llm(String model, Object request, Call<T, E> call) throws E {
        Once<T, E> once = new Once<>(() -> inner.llm(model, request, call));
        return record(once, () -> capture.llm(model, request, once));
    }

    @Override
    public <T, E extends Exception> T llm(String model, Object request, Call<T, E> call, Function<? super T, TokenUsage> usage) throws E {
        Once<T, E> once = new Once<>(() -> inner.llm(model, request, call, usage));
        return record(once, () -> capture.llm(model, request, once, usage));
    }

    @Override
    public <T, E extends Exception> T tool(String name, Object arguments, Call<T, E> call) throws E {
        Once<T, E> once = new Once<>(() -> inner.tool(name, arguments, call));
        return record(once, () -> capture.tool(name, arguments, once));
    }

    @Override
    public <T, E extends Exception> T delegate(String agent, Object request, Call<T, E> call) throws E {
        Once<T, E> once = new Once<>(() -> inner.delegate(agent, request, call));
        return record(once, () -> capture.delegate(agent, request, once));
    }

    @Override
    public <T> T decision(String name, T value) {
        T decided = inner.decision(name, value);
        if (!broken) {
            try {
                capture.decision(name, decided);
            } catch (RuntimeException e) {
                broken = true;
            }
        }
        return decided;
    }

    @Override
    public <T> T sideEffect(String name, Supplier<T> supplier) {
        Once<T, RuntimeException> once = new Once<>(() -> inner.sideEffect(name, supplier));
        return record(once, () -> capture.sideEffect(name, once::call));
    }

    /** Runs {@code recorded}; if the recording fails, falls back to (or keeps the outcome of) the one real call. */
    private <T, E extends Exception> T record(Once<T, E> once, Call<T, E> recorded) throws E {
        if (broken) {
            return once.call();
        }
        try {
            return recorded.call();
        } catch (Exception | Error failure) {
            if (once.ran) {
                if (once.failure != null) {
                    throw Throwables.<E>sneakyThrow(once.failure); // the call's own failure, rethrown unchanged
                }
                broken = true; // the call returned; writing its result down failed
                return once.result;
            }
            broken = true; // the capture failed before the call: make it now
            return once.call();
        }
    }

    /** The real call, made at most once, remembering how it ended. */
    private static final class Once<T, E extends Exception> implements Call<T, E> {
        private final Call<T, E> call;
        boolean ran;
        T result;
        Throwable failure;

        Once(Call<T, E> call) {
            this.call = call;
        }

        @Override
        public T call() throws E {
            ran = true;
            try {
                result = call.call();
                return result;
            } catch (Exception | Error e) {
                failure = e;
                throw e;
            }
        }
    }
}
