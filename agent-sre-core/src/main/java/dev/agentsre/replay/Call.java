package dev.agentsre.replay;

/**
 * A call whose result is recorded or replayed. The exception type is inferred, so a lambda that
 * throws nothing checked needs no try/catch: {@code capture.llm("gpt-4o", prompt, () -> model.chat(prompt))}.
 *
 * @param <T> the result
 * @param <E> what it may throw
 */
@FunctionalInterface
public interface Call<T, E extends Exception> {

    /** Makes the call. */
    T call() throws E;
}
