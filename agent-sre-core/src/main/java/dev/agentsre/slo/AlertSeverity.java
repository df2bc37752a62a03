package dev.agentsre.slo;

/** How urgent a burn-rate alert is. */
public enum AlertSeverity {
    /** Needs attention within working hours: a ticket. */
    WARNING,
    /** Needs attention now: a page. */
    CRITICAL
}
