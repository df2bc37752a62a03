package dev.agentsre.cost;

import java.time.Duration;

/**
 * The answer of {@link CostGuard#checkTask} (and of {@link CostGuard#reserve}): whether the task may
 * run, what the guard asks for, and why.
 *
 * @param allowed whether the task may run now
 * @param action {@link BudgetAction#ALLOW}; {@link BudgetAction#THROTTLE} when throttling is in effect
 *     (allowed or not, see {@code retryAfter}); {@link BudgetAction#DENY} when the task would exceed a
 *     limit; {@link BudgetAction#KILL} when a kill switch is engaged
 * @param scope the budget that decided, or {@code null} when every budget allowed it
 * @param reason why, naming the limit and the figures
 * @param retryAfter when a throttled agent may start its next task; {@link Duration#ZERO} otherwise
 */
public record CostDecision(boolean allowed, BudgetAction action, BudgetScope scope, String reason, Duration retryAfter) {

    static final CostDecision ALLOWED = new CostDecision(true, BudgetAction.ALLOW, null, "within every budget", Duration.ZERO);

    static CostDecision deny(BudgetScope scope, String reason) {
        return new CostDecision(false, BudgetAction.DENY, scope, reason, Duration.ZERO);
    }

    static CostDecision kill(BudgetScope scope, String reason) {
        return new CostDecision(false, BudgetAction.KILL, scope, reason, Duration.ZERO);
    }
}
