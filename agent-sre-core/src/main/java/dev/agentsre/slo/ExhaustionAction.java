package dev.agentsre.slo;

/**
 * What should happen when an error budget is exhausted. The SLO only reports it (on the
 * {@link dev.agentsre.event.SloStatusChanged} event to {@link SloStatus#EXHAUSTED}); the
 * pipeline carries it out and undoes it when the budget recovers.
 */
public enum ExhaustionAction {
    /** Publish the event; take no other action. */
    ALERT,
    /** Throttle the agent's tasks. */
    THROTTLE,
    /**
     * Trip the agent's circuit breaker: OPEN for its recovery timeout, then half-open probes that
     * close it when they succeed; while the budget stays exhausted a failed task trips it again.
     */
    CIRCUIT_BREAK,
    /** Raise a flag that deployment tooling reads to stop rolling out changes. */
    FREEZE_DEPLOYMENTS
}
