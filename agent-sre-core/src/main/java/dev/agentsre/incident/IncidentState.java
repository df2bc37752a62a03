package dev.agentsre.incident;

/**
 * Where an incident is in its life. The main line only moves forward —
 * DETECTED → ACKNOWLEDGED → INVESTIGATING → MITIGATED → RESOLVED → CLOSED — and may skip steps;
 * the one way back is a <em>reopen</em> (RESOLVED → INVESTIGATING when the problem returns within the
 * reopen window). MERGED (folded into another incident) and DECLINED (not a real incident) are
 * terminal side exits.
 */
public enum IncidentState {
    /** Opened from signals; nobody has looked yet. */
    DETECTED,
    /** A person has taken it. */
    ACKNOWLEDGED,
    /** Being worked on. */
    INVESTIGATING,
    /** The impact has stopped; the cause may not be fixed. */
    MITIGATED,
    /** The cause is gone. */
    RESOLVED,
    /** Done: the postmortem is published or not needed. */
    CLOSED,
    /** Folded into another incident (terminal). */
    MERGED,
    /** Not a real incident (terminal). */
    DECLINED;

    /** Whether the incident is still being handled (DETECTED to MITIGATED). */
    public boolean isOpen() {
        return ordinal() <= MITIGATED.ordinal();
    }

    /** Whether nothing can follow (CLOSED, MERGED, DECLINED). */
    public boolean isTerminal() {
        return this == CLOSED || this == MERGED || this == DECLINED;
    }
}
