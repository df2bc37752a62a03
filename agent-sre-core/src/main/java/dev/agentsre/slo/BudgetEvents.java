package dev.agentsre.slo;

/**
 * What an {@link Slo}'s error budget counts when the pipeline reports a task ({@link
 * Slo#recordServed(boolean)}) or a refusal ({@link Slo#recordRefused(Refusal)}).
 */
public enum BudgetEvents {
    /** One event per served task, bad when it failed; refusals are not events. The default. */
    TASK_OUTCOMES,
    /**
     * One event per offered task: good when served (whatever its outcome), bad when refused for a
     * reason the SLO counts as unavailability ({@link Refusal#UNAVAILABILITY} by default); other
     * refusals are not events.
     */
    AVAILABILITY
}
