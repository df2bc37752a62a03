package dev.agentsre.event;

import dev.agentsre.chaos.ExperimentState;
import java.time.Instant;

/**
 * A chaos experiment changed state.
 *
 * @param timestamp when
 * @param agentId the experiment's target agent
 * @param experiment the experiment
 * @param from the state before
 * @param to the state after
 * @param reason why ("started", "duration of 30m elapsed", "success_rate 0.42 &lt;= 0.5", ...)
 */
public record ExperimentStateChanged(Instant timestamp, String agentId, String experiment, ExperimentState from, ExperimentState to,
                                     String reason) implements ChaosEvent {
}
