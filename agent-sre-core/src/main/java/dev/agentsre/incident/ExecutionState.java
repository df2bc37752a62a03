package dev.agentsre.incident;

/** Where a runbook execution (or one of its steps) is. */
public enum ExecutionState {
    /** Not started. */
    PENDING,
    /** Running a step. */
    RUNNING,
    /** Paused at a step's approval gate. */
    WAITING_APPROVAL,
    /** Every step done. */
    SUCCEEDED,
    /** A step failed and not every compensation succeeded (or a step failed with nothing to compensate). */
    FAILED,
    /** A step failed; the completed steps were compensated, in reverse order. */
    COMPENSATED,
    /** Stopped by a denial or an approval timeout; completed steps compensated. */
    ABORTED,
    /** A step ran out of time (a step state; the execution continues per the step's failure policy). */
    TIMED_OUT,
    /** A step skipped by a GOTO or not reached (a step state). */
    SKIPPED;

    /** Whether nothing follows. */
    public boolean isFinal() {
        return this == SUCCEEDED || this == FAILED || this == COMPENSATED || this == ABORTED;
    }
}
