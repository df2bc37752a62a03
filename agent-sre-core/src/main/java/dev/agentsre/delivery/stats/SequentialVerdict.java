package dev.agentsre.delivery.stats;

/** What a sequential test concluded at one look. */
public enum SequentialVerdict {
    /** Not enough samples yet to look at all (the burn-in). */
    BURN_IN,
    /** No difference shown yet: keep collecting. */
    CONTINUE,
    /** The null hypothesis is rejected: the candidate's metric is higher than the baseline's. */
    CANDIDATE_HIGHER,
    /** The null hypothesis is rejected: the candidate's metric is lower than the baseline's. */
    CANDIDATE_LOWER;

    /** Whether the test rejected "no difference". */
    public boolean rejected() {
        return this == CANDIDATE_HIGHER || this == CANDIDATE_LOWER;
    }
}
