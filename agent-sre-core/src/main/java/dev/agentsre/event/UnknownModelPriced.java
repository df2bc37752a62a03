package dev.agentsre.event;

import java.math.BigDecimal;
import java.time.Instant;

/**
 * A cost guard in lenient mode priced the reported tokens of a model its price table does not know
 * at the configured price for unknown models. Published for every such charge, so a dashboard can
 * count them and someone can add the model's real price.
 *
 * @param timestamp when
 * @param agentId the agent charged
 * @param taskId the task
 * @param model the unknown model id, as reported
 * @param usd the amount charged at the price for unknown models
 */
public record UnknownModelPriced(Instant timestamp, String agentId, String taskId, String model, BigDecimal usd) implements CostEvent {
}
