package dev.agentsre.incident;

import dev.agentsre.internal.Check;
import java.time.Instant;
import java.util.List;

/**
 * One piece of evidence that something is wrong, derived from an event by a {@link DetectionPolicy}.
 * Its {@link #key()} — type, agent and subject — identifies the condition: a second signal with the
 * same key is the same condition again (deduplicated onto the incident that has it).
 *
 * @param type what kind of trouble
 * @param severity how bad
 * @param agentId the agent concerned, or null (a dependency, the organisation)
 * @param subject what exactly: an SLO, a breaker or dependency name, a budget owner (may be null)
 * @param detail a sentence for people, with the numbers
 * @param timestamp when the event happened
 * @param event the event's type name, e.g. {@code BurnRateAlertFired}
 * @param agents further agents a fleet-wide signal names (a cascade), empty otherwise
 */
public record Signal(SignalType type, IncidentSeverity severity, String agentId, String subject, String detail, Instant timestamp, String event,
                     List<String> agents) {

    /** Validates and copies. */
    public Signal {
        Check.notNull("type", type);
        Check.notNull("severity", severity);
        Check.notNull("timestamp", timestamp);
        detail = detail == null ? "" : detail;
        event = event == null ? "" : event;
        agents = List.copyOf(agents);
    }

    /** Type, agent and subject: the identity of the condition. */
    public String key() {
        return key(type, agentId, subject);
    }

    /** The key a signal of this type, agent and subject has. */
    public static String key(SignalType type, String agentId, String subject) {
        return type.id() + '|' + (agentId == null ? "" : agentId) + '|' + (subject == null ? "" : subject);
    }

    /** What the signal is about, for titles: the subject, else the agent, else the type. */
    public String component() {
        if (type == SignalType.DEPENDENCY_FAILING && subject != null) {
            return subject;
        }
        return agentId != null ? agentId : subject != null ? subject : type.id();
    }
}
