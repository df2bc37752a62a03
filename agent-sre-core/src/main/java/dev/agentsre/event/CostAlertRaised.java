package dev.agentsre.event;

import dev.agentsre.cost.CostAlert;
import java.time.Instant;

/**
 * A cost guard raised an alert: a utilisation threshold crossed, throttling or a kill switch
 * engaged, a task over its limit, or a cost anomaly.
 *
 * @param timestamp when
 * @param agentId the agent whose spending raised it
 * @param alert the alert
 */
public record CostAlertRaised(Instant timestamp, String agentId, CostAlert alert) implements CostEvent {
}
