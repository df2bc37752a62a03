package dev.agentsre.store;

/** What a commit, a release or a charge did. */
public enum Settlement {
    /** Applied now: the hold was dropped and (for a commit or a charge) the amount added to spend. */
    APPLIED,
    /** Nothing done: the id was settled before (a retried commit or charge), so nothing is counted twice. */
    REPEATED,
    /** Nothing done: the store knows no reservation of that id (never reserved, or forgotten after its retention). */
    UNKNOWN,
    /**
     * The store was unreachable; the operation is queued in this JVM and replayed, idempotently,
     * when the store answers again (see {@link BudgetStore#withFailurePolicy}).
     */
    QUEUED
}
