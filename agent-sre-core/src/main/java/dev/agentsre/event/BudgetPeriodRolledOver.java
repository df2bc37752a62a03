package dev.agentsre.event;

import dev.agentsre.cost.BudgetScope;
import java.math.BigDecimal;
import java.time.Instant;

/**
 * A budget started a new period (a new day for agent budgets, a new month for tenant and
 * organisation budgets) and its spend went back to zero.
 *
 * @param timestamp when the roll-over was observed
 * @param agentId the agent for an agent budget; {@code null} otherwise
 * @param scope which budget
 * @param owner the budget's owner
 * @param previousSpentUsd what the finished period spent
 * @param periodStart the start of the new period
 */
public record BudgetPeriodRolledOver(Instant timestamp, String agentId, BudgetScope scope, String owner,
                                     BigDecimal previousSpentUsd, Instant periodStart) implements CostEvent {
}
