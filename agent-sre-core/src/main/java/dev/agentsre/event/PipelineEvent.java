package dev.agentsre.event;

/** Events published by the {@link dev.agentsre.AgentSre} pipeline. */
public sealed interface PipelineEvent extends SreEvent permits ExhaustionActionTaken, TaskRefused, PostFlightFailed {
}
