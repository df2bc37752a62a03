package dev.agentsre.cost;

import java.time.Instant;

/**
 * A throttle or kill of an agent's budget decided by a person or a response rather than by spend:
 * what {@link CostGuard#throttle} and {@link CostGuard#kill} set and {@link CostGuard#manualEnforcement}
 * reads. It lasts until {@link #until()} (or until revived, when there is no end), whatever the
 * agent spends and across period roll-overs.
 *
 * @param agentId the agent
 * @param state {@link BudgetState#THROTTLED} or {@link BudgetState#KILLED}
 * @param reason why, as given
 * @param since when it was set
 * @param until when it ends by itself; {@code null} when it lasts until {@link CostGuard#revive}
 */
public record ManualEnforcement(String agentId, BudgetState state, String reason, Instant since, Instant until) {
}
