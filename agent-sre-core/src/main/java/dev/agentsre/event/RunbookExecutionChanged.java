package dev.agentsre.event;

import dev.agentsre.incident.ExecutionState;
import java.time.Instant;

/**
 * A runbook execution changed state: a step started, paused for approval, succeeded, failed or
 * was compensated, or the execution ended.
 *
 * @param timestamp when
 * @param agentId the agent the runbook acts on, or null
 * @param incidentId the incident it serves, or null
 * @param executionId the execution
 * @param runbook the runbook's id
 * @param state the execution's state
 * @param stepId the step concerned, or null
 * @param detail what happened
 */
public record RunbookExecutionChanged(Instant timestamp, String agentId, String incidentId, String executionId, String runbook,
                                      ExecutionState state, String stepId, String detail) implements IncidentEvent {
}
