package dev.agentsre.event;

import dev.agentsre.incident.IncidentSeverity;
import dev.agentsre.incident.IncidentState;
import java.time.Instant;

/**
 * An incident moved in its lifecycle (including a reopen, RESOLVED → INVESTIGATING, and a merge
 * into another incident, → MERGED).
 *
 * @param timestamp when
 * @param agentId the first affected agent, or null
 * @param incidentId the incident
 * @param from the previous state
 * @param to the new state
 * @param actor who moved it ({@code agent-sre} for automatic moves)
 * @param note what they said, or null
 * @param severity the incident's severity
 * @param title the incident's title
 */
public record IncidentStateChanged(Instant timestamp, String agentId, String incidentId, IncidentState from, IncidentState to, String actor,
                                   String note, IncidentSeverity severity, String title) implements IncidentEvent {
}
