package dev.agentsre.event;

/** Events published by chaos experiments ({@link dev.agentsre.chaos.ChaosExperiment}). */
public sealed interface ChaosEvent extends SreEvent permits FaultInjected, ExperimentStateChanged {

    /** The experiment's name. */
    String experiment();
}
