package dev.agentsre.incident;

import dev.agentsre.cost.CostGuard;
import dev.agentsre.internal.Check;

/**
 * Throttles, kills and revives an agent's budget: what the {@code throttle}, {@code kill} and
 * {@code revive} responses and runbook actions call.
 */
public interface BudgetControl {

    /** Admits the agent's tasks at a reduced rate until revived. */
    void throttle(String agentId, String reason);

    /** Refuses every task of the agent until revived. */
    void kill(String agentId, String reason);

    /** Ends a throttle or kill of the agent. */
    void revive(String agentId);

    /**
     * The control of a {@link CostGuard}: {@link CostGuard#throttle(String, String)},
     * {@link CostGuard#kill(String, String)} (both until revived, across the day's roll-over) and
     * {@link CostGuard#revive(String)}. A throttle or kill the guard cannot carry out (an untracked agent
     * while its cap is full of agents it may not evict) throws, and the response records the failure.
     */
    static BudgetControl of(CostGuard guard) {
        Check.notNull("guard", guard);
        return new BudgetControl() {
            @Override
            public void throttle(String agentId, String reason) {
                guard.throttle(agentId, reason);
            }

            @Override
            public void kill(String agentId, String reason) {
                guard.kill(agentId, reason);
            }

            @Override
            public void revive(String agentId) {
                guard.revive(agentId);
            }

            @Override
            public String toString() {
                return "BudgetControl.of(CostGuard)";
            }
        };
    }
}
