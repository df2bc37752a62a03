package dev.agentsre.incident;

/**
 * What a runbook step does. Runs on the runbook executor, never on an agent's thread. Return
 * {@link StepResult#ok} or {@link StepResult#failed}; an exception counts as a failure. Long work
 * should look at {@link StepContext#cancellation()}: when the step times out the token is cancelled
 * (and the thread interrupted). Use {@link StepContext#idempotencyKey()} to make a repeated run
 * (a retry, or a re-run after a restart) harmless.
 */
@FunctionalInterface
public interface RunbookAction {

    /** Performs the step. */
    StepResult run(StepContext context) throws Exception;
}
