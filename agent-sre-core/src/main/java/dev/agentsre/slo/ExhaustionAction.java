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
    /** Force the agent's circuit breaker open. */
    CIRCUIT_BREAK,
    /** Raise a flag that deployment tooling reads to stop rolling out changes. */
    FREEZE_DEPLOYMENTS
}
