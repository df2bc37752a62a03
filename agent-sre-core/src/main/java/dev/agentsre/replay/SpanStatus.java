package dev.agentsre.replay;

/** How a recorded step ended. */
public enum SpanStatus {
    /** Returned normally. */
    OK,
    /** Threw. */
    ERROR,
    /** Threw a timeout. */
    TIMEOUT
}
