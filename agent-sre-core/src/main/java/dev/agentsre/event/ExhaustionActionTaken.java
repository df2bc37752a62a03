package dev.agentsre.event;

import dev.agentsre.slo.ExhaustionAction;
import java.time.Instant;

/**
 * The pipeline carried out (or undid) an SLO's exhaustion action.
 *
 * @param timestamp when
 * @param agentId the agent acted on
 * @param sloName the exhausted (or recovered) SLO
 * @param action the action
 * @param applied true when the action was applied, false when it was undone on recovery
 */
public record ExhaustionActionTaken(Instant timestamp, String agentId, String sloName, ExhaustionAction action, boolean applied)
        implements PipelineEvent {
}
