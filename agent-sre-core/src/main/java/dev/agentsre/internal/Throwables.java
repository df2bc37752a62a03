package dev.agentsre.internal;

/** Rethrowing any throwable unchanged through code that declares fewer checked exceptions. Not API. */
public final class Throwables {

    private Throwables() {
    }

    /**
     * Throws {@code failure} as it is — a checked exception included — without wrapping it. Declared
     * to return {@code X} so callers can write {@code throw Throwables.sneakyThrow(e)} and the compiler
     * sees the path end; it never returns.
     */
    @SuppressWarnings("unchecked")
    public static <X extends Throwable> X sneakyThrow(Throwable failure) throws X {
        throw (X) failure;
    }
}
