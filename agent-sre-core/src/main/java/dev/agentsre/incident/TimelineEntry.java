package dev.agentsre.incident;

import java.time.Instant;

/**
 * One line of an incident's story.
 *
 * @param timestamp when
 * @param actor who: {@code agent-sre} for the system, a person's name, or a receiver
 * @param kind what kind of entry
 * @param text what happened
 */
public record TimelineEntry(Instant timestamp, String actor, Kind kind, String text) {

    /** The system's name as an actor. */
    public static final String SYSTEM = "agent-sre";

    /** Kinds of entries. */
    public enum Kind {
        /** When the impact began (computed). */
        IMPACT_START,
        /** A signal joined. */
        SIGNAL,
        /** The incident was opened. */
        DETECTED,
        /** A notification was delivered or failed. */
        NOTIFICATION,
        /** A lifecycle step. */
        STATE,
        /** The severity changed. */
        SEVERITY,
        /** An automatic response ran. */
        RESPONSE,
        /** A runbook step. */
        RUNBOOK,
        /** Another incident was merged into this one. */
        MERGE,
        /** A person's note. */
        NOTE,
        /** A condition ended. */
        RECOVERY
    }
}
