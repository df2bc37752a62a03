package dev.agentsre.event;

import dev.agentsre.delivery.BlueGreenState;
import java.time.Instant;

/**
 * One environment of a blue-green deployment changed state (deployed, validating, ready, active,
 * draining, inactive, failed).
 *
 * @param timestamp when, from the deployment's clock
 * @param agentId the agent deployed
 * @param rollout the deployment's name
 * @param environment {@code blue} or {@code green}
 * @param version the version the environment holds, or {@code null}
 * @param from the state before
 * @param to the state now
 * @param reason what caused it, in words
 */
public record BlueGreenStateChanged(Instant timestamp, String agentId, String rollout, String environment, String version,
                                    BlueGreenState from, BlueGreenState to, String reason) implements DeliveryEvent {
}
