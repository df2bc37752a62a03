package dev.agentsre.event;

import dev.agentsre.cost.BudgetScope;
import dev.agentsre.cost.BudgetState;
import java.time.Instant;

/**
 * A budget's enforcement state changed: throttled, killed, revived, or back to active at a
 * period roll-over.
 *
 * @param timestamp when
 * @param agentId the agent for an agent budget; {@code null} for tenant and organisation budgets
 * @param scope which budget
 * @param owner the budget's owner: the agent id, the tenant, or {@code "organization"}
 * @param from the state before
 * @param to the state after
 * @param reason why, in words
 */
public record BudgetStateChanged(Instant timestamp, String agentId, BudgetScope scope, String owner, BudgetState from,
                                 BudgetState to, String reason) implements CostEvent {
}
