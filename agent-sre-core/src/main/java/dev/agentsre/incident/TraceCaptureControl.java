package dev.agentsre.incident;

/**
 * Captures the next tasks of an agent as replay traces, for debugging an incident: what the
 * {@code capture_traces} response and runbook action call. The pipeline implements it (its capture
 * guard records the next {@code traces} tasks of the agent into its trace store).
 */
@FunctionalInterface
public interface TraceCaptureControl {

    /** Records the next {@code traces} tasks of {@code agentId}. */
    void captureNext(String agentId, int traces);
}
