package dev.agentsre.incident;

/** How an automatic response ended. */
public enum ResponseStatus {
    /** It did what it says. */
    SUCCEEDED,
    /** It was tried and failed (the detail says why). */
    FAILED,
    /** Nothing to do, or the component it needs is not configured. */
    SKIPPED
}
