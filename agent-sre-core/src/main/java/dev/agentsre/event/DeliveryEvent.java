package dev.agentsre.event;

/**
 * Events published by progressive delivery: every state transition of an
 * {@link dev.agentsre.delivery.AgentRollout} ({@link RolloutStateChanged}, or {@link RolloutRolledBack}
 * when it is rolled back, with the evidence) and of a {@link dev.agentsre.delivery.BlueGreen}
 * deployment ({@link BlueGreenStateChanged}).
 */
public sealed interface DeliveryEvent extends SreEvent permits RolloutStateChanged, RolloutRolledBack, BlueGreenStateChanged {

    /** The rollout's or blue-green deployment's name. */
    String rollout();
}
