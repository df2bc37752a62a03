package dev.agentsre.incident;

/**
 * How a runbook step (or compensation) ended.
 *
 * @param succeeded whether it did its job
 * @param output what it reports (shown on the execution and the incident timeline)
 */
public record StepResult(boolean succeeded, String output) {

    /** Success with an output. */
    public static StepResult ok(String output) {
        return new StepResult(true, output == null ? "" : output);
    }

    /** Failure with a reason. */
    public static StepResult failed(String reason) {
        return new StepResult(false, reason == null ? "" : reason);
    }
}
