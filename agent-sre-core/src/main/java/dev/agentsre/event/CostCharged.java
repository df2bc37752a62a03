package dev.agentsre.event;

import java.math.BigDecimal;
import java.time.Instant;

/**
 * A cost guard charged a task. Published only while someone listens for it (exporters summing spend
 * per agent, model and tenant), so charging stays allocation-free otherwise.
 *
 * @param timestamp when
 * @param agentId the agent charged
 * @param taskId the task
 * @param tenant the agent's tenant, or null
 * @param model the model priced (from {@code recordUsage}), or null
 * @param usd the amount, exact
 */
public record CostCharged(Instant timestamp, String agentId, String taskId, String tenant, String model, BigDecimal usd)
        implements CostEvent {
}
