package dev.agentsre.incident;

import java.util.Locale;

/**
 * What kind of trouble a {@link Signal} reports. The lower-case names ({@link #id()}) are the
 * Python original's signal names where it had one, and what YAML runbook triggers use.
 */
public enum SignalType {
    /** A page-level burn-rate alert fired (the Python original's {@code slo_breach}). */
    SLO_BREACH(IncidentSeverity.SEV2, true),
    /** A ticket-level burn-rate alert fired. */
    SLO_BURN_TICKET(IncidentSeverity.SEV3, true),
    /** An error budget is exhausted. */
    ERROR_BUDGET_EXHAUSTED(IncidentSeverity.SEV1, true),
    /** An agent's circuit breaker opened. */
    BREAKER_OPEN(IncidentSeverity.SEV3, true),
    /** A dependency (a model or tool with its own breaker) is failing. */
    DEPENDENCY_FAILING(IncidentSeverity.SEV3, true),
    /** Circuits opened across the fleet within a short window. */
    CASCADE(IncidentSeverity.SEV1, false),
    /** A budget's kill switch engaged. */
    COST_KILL(IncidentSeverity.SEV1, true),
    /** A budget is throttled. */
    COST_THROTTLE(IncidentSeverity.SEV3, true),
    /** Spending deviates from its baseline. */
    COST_ANOMALY(IncidentSeverity.SEV2, false),
    /** The rogue-agent detector quarantined an agent. */
    QUARANTINE(IncidentSeverity.SEV1, true),
    /** A call was refused for breaking a policy (a tool outside the agent's capabilities). */
    POLICY_VIOLATION(IncidentSeverity.SEV1, false),
    /** An agent's trust was revoked (no component emits this yet; for custom rules). */
    TRUST_REVOCATION(IncidentSeverity.SEV1, false),
    /** Tool calls fail far more than usual (for custom rules). */
    TOOL_FAILURE_SPIKE(IncidentSeverity.SEV3, false),
    /** Latency far above normal (for custom rules). */
    LATENCY_SPIKE(IncidentSeverity.SEV2, false),
    /** A rollout was rolled back automatically (an incident opened already MITIGATED). */
    ROLLOUT_ROLLED_BACK(IncidentSeverity.SEV3, false),
    /** A chaos experiment aborted itself. */
    CHAOS_ABORTED(IncidentSeverity.SEV3, false),
    /** Anything else a custom rule reports. */
    CUSTOM(IncidentSeverity.SEV3, false);

    private final IncidentSeverity defaultSeverity;
    private final boolean hasRecovery;
    private final String id;

    SignalType(IncidentSeverity defaultSeverity, boolean hasRecovery) {
        this.defaultSeverity = defaultSeverity;
        this.hasRecovery = hasRecovery;
        this.id = name().toLowerCase(Locale.ROOT); // once: keys are built from it on the event path
    }

    /** The severity {@link DetectionPolicy#defaults()} gives it. */
    public IncidentSeverity defaultSeverity() {
        return defaultSeverity;
    }

    /**
     * Whether the condition lasts until a recovery event (a breaker closing, an alert resolving);
     * the others are points in time that do not keep an incident open.
     */
    public boolean hasRecovery() {
        return hasRecovery;
    }

    /** The lower-case name, e.g. {@code slo_breach}. */
    public String id() {
        return id;
    }

    /**
     * Parses {@link #id()} or the enum name, case-insensitively.
     *
     * @throws IllegalArgumentException naming the value otherwise
     */
    public static SignalType parse(String value) {
        if (value != null) {
            try {
                return valueOf(value.trim().toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                // fall through
            }
        }
        throw new IllegalArgumentException("unknown signal type " + (value == null ? "null" : "'" + value + "'") + "; known: "
                + java.util.Arrays.stream(values()).map(SignalType::id).collect(java.util.stream.Collectors.joining(", ")));
    }
}
