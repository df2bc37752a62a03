package dev.agentsre.replay;

import dev.agentsre.cost.TokenUsage;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The decision points of an agent run: write the agent against this interface and the same code
 * runs live while recording ({@link TraceCapture}), replayed offline ({@link Replay}), or in a
 * what-if ({@link ReplayEngine#whatIf}).
 *
 * <p>Requests and results are stored as JSON (Jackson), so any Java object that Jackson can write
 * and read round-trips. A result comes back on replay as the class it was recorded as.
 */
public interface AgentCalls {

    /** A model call. */
    <T, E extends Exception> T llm(String model, Object request, Call<T, E> call) throws E;

    /** A model call whose result carries its token usage (priced with the capture's price table). */
    <T, E extends Exception> T llm(String model, Object request, Call<T, E> call, Function<? super T, TokenUsage> usage) throws E;

    /** A tool call. */
    <T, E extends Exception> T tool(String name, Object arguments, Call<T, E> call) throws E;

    /** A delegation to another agent; calls made inside it nest under it. */
    <T, E extends Exception> T delegate(String agent, Object request, Call<T, E> call) throws E;

    /** A decision the agent made; recorded, and compared on replay. Returns {@code value}. */
    <T> T decision(String name, T value);

    /** A non-deterministic value (a random number, a UUID, "now"): recorded, and served from the recording on replay. */
    <T> T sideEffect(String name, Supplier<T> supplier);

    /** Calls that just run: no capture, no replay. For agent code written against {@code AgentCalls} when nothing records it. */
    static AgentCalls direct() {
        return DirectCalls.INSTANCE;
    }
}
