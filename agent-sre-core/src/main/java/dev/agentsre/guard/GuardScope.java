package dev.agentsre.guard;

/**
 * Thread-bound context a {@link CallGuard} opened around a task's body or a call's callee (a tracing
 * span made current, a logging MDC entry): closed on the same thread, once, when the body or callee
 * has returned. {@link #NONE} opens nothing.
 */
@FunctionalInterface
public interface GuardScope extends AutoCloseable {

    /** The scope of a guard that opens none. */
    GuardScope NONE = () -> { };

    /** Restores the thread's context as it was before the scope was opened; never throws checked exceptions. */
    @Override
    void close();
}
