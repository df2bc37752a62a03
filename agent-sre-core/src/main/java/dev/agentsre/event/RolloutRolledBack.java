package dev.agentsre.event;

import dev.agentsre.delivery.Evidence;
import dev.agentsre.delivery.RolloutState;
import java.time.Instant;

/**
 * A rollout was rolled back: every session goes to the baseline on its next call. Published for an
 * automatic rollback (a trigger fired or a gate failed) and for a manual one, always with the
 * evidence.
 *
 * @param timestamp when, from the rollout's clock
 * @param agentId the agent being rolled out
 * @param rollout the rollout's name
 * @param from the state it was rolled back from
 * @param step the index of the step it was in (0-based), or -1
 * @param weight the candidate's share of traffic just before the rollback
 * @param evidence what fired, with the numbers
 */
public record RolloutRolledBack(Instant timestamp, String agentId, String rollout, RolloutState from, int step, double weight,
                                Evidence evidence) implements DeliveryEvent {

    /** Always {@link RolloutState#ROLLED_BACK}. */
    public RolloutState to() {
        return RolloutState.ROLLED_BACK;
    }
}
