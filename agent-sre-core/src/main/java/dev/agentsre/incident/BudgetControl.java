package dev.agentsre.incident;

import dev.agentsre.cost.CostGuard;
import dev.agentsre.internal.Check;

/**
 * Throttles, kills and revives an agent's budget: what the {@code throttle}, {@code kill} and
 * {@code revive} responses and runbook actions call.
 */
public interface BudgetControl {

    /** Admits the agent's tasks at a reduced rate until revived or the period rolls over. */
    void throttle(String agentId, String reason);

    /** Refuses every task of the agent until revived or the period rolls over. */
    void kill(String agentId, String reason);

    /** Ends a throttle or kill of the agent. */
    void revive(String agentId);

    /**
     * The control of a {@link CostGuard}. Reviving goes through {@link CostGuard#revive(String)}.
     * {@code CostGuard}'s public API has no manual throttle or kill yet (its throttle and kill
     * switch engage only from spending), so {@link #throttle} and {@link #kill} of this control
     * throw {@link UnsupportedOperationException} naming what is missing; the response records that
     * failure. Pass your own {@code BudgetControl} to throttle or kill by decision.
     */
    static BudgetControl of(CostGuard guard) {
        Check.notNull("guard", guard);
        return new BudgetControl() {
            @Override
            public void throttle(String agentId, String reason) {
                throw new UnsupportedOperationException("CostGuard has no manual throttle in its public API yet; "
                        + "throttle '" + agentId + "' through a BudgetControl of your own");
            }

            @Override
            public void kill(String agentId, String reason) {
                throw new UnsupportedOperationException("CostGuard has no manual kill switch in its public API yet; "
                        + "kill '" + agentId + "' through a BudgetControl of your own");
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
