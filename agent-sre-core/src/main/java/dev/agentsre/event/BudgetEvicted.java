package dev.agentsre.event;

import dev.agentsre.cost.BudgetScope;
import java.time.Instant;

/**
 * A {@link dev.agentsre.cost.CostGuard} dropped an agent's ledger or a tenant's budget to make room
 * under its cap: exporters can drop its series. Only budgets whose eviction lifts no enforcement go
 * (none killed, throttled, holding reservations, or with spend under a limit in a period not over).
 *
 * @param timestamp when
 * @param agentId the agent for an agent budget; {@code null} for a tenant
 * @param scope {@link BudgetScope#AGENT} or {@link BudgetScope#TENANT}
 * @param owner the budget's owner
 */
public record BudgetEvicted(Instant timestamp, String agentId, BudgetScope scope, String owner) implements CostEvent {
}
