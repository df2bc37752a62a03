package dev.agentsre.event;

import dev.agentsre.incident.IncidentSeverity;
import java.time.Instant;
import java.util.List;

/**
 * An open incident became worse (a more severe signal joined it) or was re-rated by hand.
 *
 * @param timestamp when
 * @param agentId the first affected agent, or null
 * @param incidentId the incident
 * @param from the previous severity
 * @param to the new severity
 * @param title the (possibly updated) title
 * @param agents the affected agents
 */
public record IncidentSeverityChanged(Instant timestamp, String agentId, String incidentId, IncidentSeverity from, IncidentSeverity to,
                                      String title, List<String> agents) implements IncidentEvent {
    /** Copies the agents. */
    public IncidentSeverityChanged {
        agents = List.copyOf(agents);
    }
}
