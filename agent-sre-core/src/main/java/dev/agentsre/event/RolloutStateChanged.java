package dev.agentsre.event;

import dev.agentsre.delivery.PauseReason;
import dev.agentsre.delivery.RolloutState;
import java.time.Instant;

/**
 * A rollout moved from one state or step to another: started, advanced a step, paused, resumed,
 * promoted or aborted. A rollback is published as {@link RolloutRolledBack} instead, so that it is
 * recognised without looking at the states.
 *
 * @param timestamp when, from the rollout's clock
 * @param agentId the agent being rolled out
 * @param rollout the rollout's name
 * @param from the state before
 * @param to the state now
 * @param step the index of the current step (0-based, as in {@code spec.strategy.steps[i]}), or -1 when
 *     the rollout is not in a step (pending, promoted, aborted)
 * @param weight the share of traffic the candidate serves now (0..1; shadow steps serve none)
 * @param pauseReason why it is paused, or {@code null} when {@code to} is not PAUSED
 * @param reason what caused the transition, in words (the gates that passed, who paused it)
 */
public record RolloutStateChanged(Instant timestamp, String agentId, String rollout, RolloutState from, RolloutState to, int step,
                                  double weight, PauseReason pauseReason, String reason) implements DeliveryEvent {
}
