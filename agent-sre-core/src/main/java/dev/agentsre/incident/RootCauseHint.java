package dev.agentsre.incident;

import java.time.Instant;
import java.util.List;

/**
 * A machine's guess at a cause, ranked by {@link #score()} in [0, 1], with the evidence behind it.
 * Hints are suggestions: they never fill the postmortem's human "root causes" field.
 *
 * @param type what kind of cause
 * @param subject what: a dependency, a change id, an agent, an experiment
 * @param score how strongly the evidence points at it, 0..1
 * @param evidence the facts, each with its time
 */
public record RootCauseHint(Type type, String subject, double score, List<Evidence> evidence) {

    /** Kinds of cause. */
    public enum Type {
        /** A recent change (rollout step, chaos start, config reload), scored by recency. */
        CHANGE,
        /** A dependency the affected agents share and which is failing, scored by the share of agents. */
        DEPENDENCY,
        /** The first component that failed. */
        FIRST_FAILURE,
        /** A spending anomaly, throttle or kill. */
        COST,
        /** A chaos experiment on an affected agent: the incident is expected. */
        CHAOS
    }

    /**
     * One fact.
     *
     * @param timestamp when
     * @param text what
     */
    public record Evidence(Instant timestamp, String text) {
    }

    /** Copies the evidence. */
    public RootCauseHint {
        evidence = List.copyOf(evidence);
    }

    /** {@code DEPENDENCY gpt-4o (1.00)}. */
    public String headline() {
        return type + " " + subject + String.format(java.util.Locale.ROOT, " (%.2f)", score);
    }
}
