package dev.agentsre.event;

/**
 * Events of the incident manager ({@link dev.agentsre.incident.IncidentManager}): incidents opened,
 * escalated, moved through their lifecycle, responses carried out, runbooks progressing. The
 * alert manager's default mapping turns opened and escalated incidents into one
 * {@code AgentSreIncident} alert each, and resolves it when the incident is.
 */
public sealed interface IncidentEvent extends SreEvent
        permits IncidentOpened, IncidentSeverityChanged, IncidentStateChanged, IncidentResponseExecuted, RunbookExecutionChanged {

    /** The incident concerned (null only for a runbook started without one). */
    String incidentId();
}
