package dev.agentsre.event;

import dev.agentsre.slo.ExhaustionAction;
import dev.agentsre.slo.SloStatus;
import java.time.Instant;

/**
 * An SLO's status changed. Every change is its own event, including an escalation from
 * {@link SloStatus#CRITICAL} to {@link SloStatus#EXHAUSTED}.
 *
 * @param timestamp when the change was observed
 * @param agentId the SLO's agent, or {@code null}
 * @param sloName the SLO
 * @param previous the status before
 * @param current the status now
 * @param exhaustionAction the SLO's configured action; to be carried out when {@link #exhausted()}
 *     and undone when {@link #recovered()}
 * @param budgetRemainingPercent error budget left, 0..100
 */
public record SloStatusChanged(Instant timestamp, String agentId, String sloName, SloStatus previous, SloStatus current,
                               ExhaustionAction exhaustionAction, double budgetRemainingPercent) implements SloEvent {

    /** Whether the budget has just become exhausted. */
    public boolean exhausted() {
        return current == SloStatus.EXHAUSTED && previous != SloStatus.EXHAUSTED;
    }

    /** Whether the budget has just stopped being exhausted. */
    public boolean recovered() {
        return previous == SloStatus.EXHAUSTED && current != SloStatus.EXHAUSTED;
    }
}
