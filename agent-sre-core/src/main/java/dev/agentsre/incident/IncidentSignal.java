package dev.agentsre.incident;

import java.time.Instant;

/**
 * A condition recorded on an incident: the signals with one {@link Signal#key() key}, counted.
 *
 * @param type what kind of trouble
 * @param severity how bad (the worst seen)
 * @param agentId the agent, or null
 * @param subject the subject, or null
 * @param detail the latest detail
 * @param firstDetail the first signal's detail
 * @param firstSeen the first signal's time
 * @param lastSeen the latest signal's time
 * @param occurrences how many signals
 * @param active whether the condition still holds (false once its recovery event arrived, or for a point-in-time signal)
 * @param recoveredAt when it recovered, or null
 */
public record IncidentSignal(SignalType type, IncidentSeverity severity, String agentId, String subject, String detail, String firstDetail,
                             Instant firstSeen,
                             Instant lastSeen, long occurrences, boolean active, Instant recoveredAt) {

    /** The condition's key. */
    public String key() {
        return Signal.key(type, agentId, subject);
    }
}
