package dev.agentsre.chaos;

/** Where a {@link ChaosExperiment} is in its life. */
public enum ExperimentState {
    /** Built, not started: no fault is injected. */
    PENDING,
    /** Injecting faults. */
    RUNNING,
    /** Ended normally: duration elapsed, stopped, or completed with a score. */
    COMPLETED,
    /** Ended because an abort condition was met; no fault is injected after it. */
    ABORTED
}
