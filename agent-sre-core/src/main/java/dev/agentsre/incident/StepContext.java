package dev.agentsre.incident;

import java.time.Clock;
import java.util.Map;

/**
 * What a runbook action runs with.
 *
 * @param executionId the execution
 * @param runbookId the runbook
 * @param stepId the step
 * @param idempotencyKey {@code executionId:stepId} ({@code :compensate} for a compensation): the same on every retry and after a restart
 * @param attempt 1 for the first attempt
 * @param agentId the agent the runbook acts on, or null
 * @param incidentId the incident it serves, or null
 * @param params the step's parameters, with {@code ${agent}} and {@code ${incident}} substituted
 * @param cancellation cancelled when the step times out
 * @param controls the components built-in actions act on
 * @param clock the clock
 */
public record StepContext(String executionId, String runbookId, String stepId, String idempotencyKey, int attempt, String agentId,
                          String incidentId, Map<String, String> params, CancellationToken cancellation, Controls controls, Clock clock) {

    /** Copies the parameters. */
    public StepContext {
        params = Map.copyOf(params);
    }

    /** A parameter, or {@code fallback}. */
    public String param(String name, String fallback) {
        return params.getOrDefault(name, fallback);
    }
}
