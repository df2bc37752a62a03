package dev.agentsre.event;

import dev.agentsre.incident.IncidentSeverity;
import java.time.Instant;
import java.util.List;

/**
 * An incident was opened.
 *
 * @param timestamp detection time
 * @param agentId the first affected agent, or null (a dependency or fleet-wide signal)
 * @param incidentId the incident
 * @param severity its severity
 * @param title its title
 * @param agents the affected agents so far
 * @param expected whether a chaos experiment explains it
 */
public record IncidentOpened(Instant timestamp, String agentId, String incidentId, IncidentSeverity severity, String title,
                             List<String> agents, boolean expected) implements IncidentEvent {
    /** Copies the agents. */
    public IncidentOpened {
        agents = List.copyOf(agents);
    }
}
