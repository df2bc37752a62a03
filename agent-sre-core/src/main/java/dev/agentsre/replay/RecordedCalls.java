package dev.agentsre.replay;

import dev.agentsre.cost.TokenUsage;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * What a capture and a replay share: the {@link AgentCalls} entry points, which differ only in how a
 * call is served ({@link #invoke}), and recording a real call as a step.
 */
abstract class RecordedCalls implements AgentCalls {

    final SpanRecorder recorder;

    RecordedCalls(SpanRecorder recorder) {
        this.recorder = recorder;
    }

    /** Serves one call of {@code kind}: records it, or replays it. */
    abstract <T, E extends Exception> T invoke(SpanKind kind, String name, Object request, Call<T, E> call,
                                               Function<? super T, TokenUsage> usage) throws E;

    @Override
    public final <T, E extends Exception> T llm(String model, Object request, Call<T, E> call) throws E {
        return invoke(SpanKind.LLM, model, request, call, null);
    }

    @Override
    public final <T, E extends Exception> T llm(String model, Object request, Call<T, E> call,
                                                Function<? super T, TokenUsage> usage) throws E {
        return invoke(SpanKind.LLM, model, request, call, usage);
    }

    @Override
    public final <T, E extends Exception> T tool(String name, Object arguments, Call<T, E> call) throws E {
        return invoke(SpanKind.TOOL, name, arguments, call, null);
    }

    @Override
    public final <T, E extends Exception> T delegate(String agent, Object request, Call<T, E> call) throws E {
        return invoke(SpanKind.DELEGATE, agent, request, call, null);
    }

    @Override
    public final <T> T sideEffect(String name, Supplier<T> supplier) {
        return invoke(SpanKind.SIDE_EFFECT, name, null, supplier::get, null);
    }

    /**
     * Makes the real call as step {@code step}, recording its result or its failure (rethrown
     * unchanged). Recording never changes the outcome: a result that cannot be recorded is recorded
     * as its type and text, a usage function that throws is ignored.
     */
    final <T, E extends Exception> T callAndRecord(int step, Call<T, E> call, Function<? super T, TokenUsage> usage) throws E {
        T result;
        try {
            result = call.call();
        } catch (Exception | Error failure) {
            recorder.endError(step, failure);
            throw failure;
        }
        TokenUsage tokens = null;
        if (usage != null && step > 0) {
            try {
                tokens = usage.apply(result);
            } catch (RuntimeException ignored) {
                // a usage function that fails leaves the step without tokens; the call succeeded
            }
        }
        recorder.endOk(step, result, tokens);
        return result;
    }
}
