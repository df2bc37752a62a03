package dev.agentsre.incident;

import java.util.concurrent.CancellationException;

/** Tells a running runbook action that its step has timed out or its execution was stopped. Thread-safe. */
public final class CancellationToken {

    private volatile boolean cancelled;

    CancellationToken() {
    }

    /** Whether the action should stop. */
    public boolean isCancelled() {
        return cancelled;
    }

    /** Throws {@link CancellationException} when cancelled. */
    public void throwIfCancelled() {
        if (cancelled) {
            throw new CancellationException("the runbook step was cancelled");
        }
    }

    void cancel() {
        cancelled = true;
    }
}
