package dev.agentsre.incident;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * A snapshot of one run of a {@link Runbook}: where it is, and what each step did. This is also
 * what a {@link RunbookExecutionStore} persists, so an execution paused for approval resumes at the
 * same step after a restart. Immutable.
 *
 * @param id the execution id
 * @param runbookId the runbook
 * @param incidentId the incident it serves, or null
 * @param agentId the agent it acts on, or null
 * @param params the parameters it was started with
 * @param state the execution's state
 * @param currentStep the index of the step in progress (or next)
 * @param steps every step's record, in runbook order
 * @param compensating whether completed steps are being compensated
 * @param aborting whether the compensation follows a denial or an approval timeout (the execution ends ABORTED)
 * @param createdAt when it started
 * @param updatedAt when it last changed
 * @param approvalDeadline when the pending approval times out, or null
 * @param detail the latest news (why it failed, who denied)
 * @param failedCompensations steps whose compensation failed
 * @param orphaned actions that did not stop after their step timed out (their threads may still run)
 */
public record RunbookExecution(String id, String runbookId, String incidentId, String agentId, Map<String, String> params, ExecutionState state,
                               int currentStep, List<StepRecord> steps, boolean compensating, boolean aborting, Instant createdAt, Instant updatedAt,
                               Instant approvalDeadline, String detail, List<String> failedCompensations, int orphaned) {

    /** Copies the collections. */
    public RunbookExecution {
        params = Map.copyOf(params);
        steps = List.copyOf(steps);
        failedCompensations = List.copyOf(failedCompensations);
    }

    /** The record of a step. */
    public StepRecord step(String stepId) {
        for (StepRecord s : steps) {
            if (s.stepId().equals(stepId)) {
                return s;
            }
        }
        throw new IllegalArgumentException("execution " + id + " has no step '" + stepId + "'");
    }

    /** Where a step's compensation is. */
    public enum Compensation {
        /** The step has none, or it did not complete. */
        NONE,
        /** To be run. */
        PENDING,
        /** Running. */
        RUNNING,
        /** Done. */
        SUCCEEDED,
        /** Failed (listed in {@link RunbookExecution#failedCompensations()}). */
        FAILED
    }

    /**
     * What one step did.
     *
     * @param stepId the step
     * @param state PENDING, WAITING_APPROVAL, RUNNING, SUCCEEDED, FAILED, TIMED_OUT or SKIPPED
     * @param attempts attempts made
     * @param approvals who approved
     * @param output the action's output or failure reason
     * @param compensation where its compensation is
     * @param compensationOutput the compensation's output
     * @param startedAt when its first attempt started, or null
     * @param endedAt when it ended, or null
     */
    public record StepRecord(String stepId, ExecutionState state, int attempts, List<String> approvals, String output, Compensation compensation,
                             String compensationOutput, Instant startedAt, Instant endedAt) {
        /** Copies the approvals. */
        public StepRecord {
            approvals = List.copyOf(approvals);
        }
    }
}
