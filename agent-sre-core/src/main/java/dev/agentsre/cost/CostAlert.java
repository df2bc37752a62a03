package dev.agentsre.cost;

import java.math.BigDecimal;
import java.time.Instant;

/**
 * Something a {@link CostGuard} noticed while charging: a utilisation threshold crossed (each once
 * per period), throttling or the kill switch engaging, a task over its limit, or an anomaly.
 *
 * @param timestamp when
 * @param agentId the agent whose charge raised it
 * @param taskId the task charged, or {@code null}
 * @param scope the budget concerned
 * @param owner the budget's owner: agent id, tenant, or {@code "organization"}
 * @param action {@link BudgetAction#ALERT}, {@link BudgetAction#THROTTLE}, {@link BudgetAction#KILL} or
 *     {@link BudgetAction#ANOMALY}
 * @param threshold the utilisation threshold crossed (0..1), or NaN when not a threshold alert
 * @param spentUsd spent in the budget's period (for an anomaly: the charge or the minute's spend)
 * @param limitUsd the budget's limit (for an anomaly: the baseline), or {@code null}
 * @param message a sentence for people
 */
public record CostAlert(Instant timestamp, String agentId, String taskId, BudgetScope scope, String owner, BudgetAction action,
                        double threshold, BigDecimal spentUsd, BigDecimal limitUsd, String message) {
}
