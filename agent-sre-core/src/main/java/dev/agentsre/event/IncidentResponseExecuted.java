package dev.agentsre.event;

import dev.agentsre.incident.ResponseStatus;
import java.time.Instant;

/**
 * An automatic response ran against a component.
 *
 * @param timestamp when it finished
 * @param agentId the first affected agent, or null
 * @param incidentId the incident
 * @param response the response's name, e.g. {@code open_circuit}
 * @param target what it acted on, e.g. {@code gpt-4o}
 * @param status how it ended
 * @param detail what happened, or why it failed
 */
public record IncidentResponseExecuted(Instant timestamp, String agentId, String incidentId, String response, String target,
                                       ResponseStatus status, String detail) implements IncidentEvent {
}
