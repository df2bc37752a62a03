/**
 * Progressive delivery for agents, inside the process: an {@link dev.agentsre.delivery.AgentRollout}
 * moves one agent from a baseline version to a candidate through shadow, canary and pause steps, with
 * sticky session routing, shadows whose tool calls are served from the baseline's recording, gates
 * judged when a step's clock-enforced duration is over, rollback triggers (burn rate, signals,
 * thresholds and anytime-valid sequential tests from {@code dev.agentsre.delivery.stats}) and the
 * error-budget freeze; {@link dev.agentsre.delivery.AgentRolloutSpec} loads the GitOps
 * {@code AgentRollout} YAML; {@link dev.agentsre.delivery.BlueGreen} switches between two
 * environments without blocking. Transitions are published as
 * {@link dev.agentsre.event.DeliveryEvent}s.
 */
package dev.agentsre.delivery;
