package dev.agentsre.incident;

import dev.agentsre.internal.Check;
import java.time.Instant;

/**
 * Something that changed and may have caused trouble: a rollout step, a chaos experiment starting,
 * a configuration reload. Incidents correlate signals through changes and rank recent changes as
 * root-cause hints. Chaos experiments are recorded from their events; record other changes with
 * {@link IncidentManager#recordChange}.
 *
 * @param id an identifier (a rollout id, an experiment name, a config version)
 * @param kind what kind of change
 * @param agentId the agent it concerns, or null for a change of everything (a global config reload)
 * @param description a sentence for people
 * @param timestamp when it happened
 */
public record Change(String id, Kind kind, String agentId, String description, Instant timestamp) {

    /** Kinds of change. */
    public enum Kind {
        /** A rollout started, advanced a step, was promoted or was rolled back. */
        ROLLOUT,
        /** A chaos experiment started. */
        CHAOS,
        /** Configuration was reloaded or changed. */
        CONFIG,
        /** Anything else. */
        OTHER
    }

    /** Validates. */
    public Change {
        Check.notBlank("id", id);
        Check.notNull("kind", kind);
        Check.notNull("timestamp", timestamp);
        description = description == null ? "" : description;
    }

    /** Whether the change concerns {@code agent}. */
    public boolean covers(String agent) {
        return agentId == null || agentId.equals(agent);
    }
}
