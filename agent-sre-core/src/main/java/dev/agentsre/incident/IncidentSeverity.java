package dev.agentsre.incident;

import dev.agentsre.alert.Severity;
import java.util.Locale;

/**
 * How bad an incident is, SEV1 (worst) to SEV4. The Python original's P1..P4 are accepted as
 * aliases by {@link #parse}.
 */
public enum IncidentSeverity {
    /** Critical: a budget exhausted, an agent killed or quarantined, a cascade, a policy or trust breach. Pages. */
    SEV1,
    /** Major: a page-level burn rate, a cost anomaly. Pages. */
    SEV2,
    /** Minor: a ticket-level burn rate, one breaker open, a throttle, a rollback. Recorded and notified, no page. */
    SEV3,
    /** Low: recorded with an open incident; does not open one by default. */
    SEV4;

    /** Whether this is worse than {@code other} (SEV1 is worse than SEV2). */
    public boolean isWorseThan(IncidentSeverity other) {
        return ordinal() < other.ordinal();
    }

    /** The worse of two severities. */
    public static IncidentSeverity worst(IncidentSeverity a, IncidentSeverity b) {
        return a.isWorseThan(b) ? a : b;
    }

    /** The alert severity an incident of this severity is notified with: SEV1-2 critical, SEV3 warning, SEV4 info. */
    public Severity alertSeverity() {
        switch (this) {
            case SEV1:
            case SEV2:
                return Severity.CRITICAL;
            case SEV3:
                return Severity.WARNING;
            default:
                return Severity.INFO;
        }
    }

    /**
     * Parses {@code SEV1}..{@code SEV4} or {@code P1}..{@code P4}, case-insensitively.
     *
     * @throws IllegalArgumentException naming the value otherwise
     */
    public static IncidentSeverity parse(String value) {
        if (value != null) {
            String v = value.trim().toUpperCase(Locale.ROOT);
            if (v.matches("SEV[1-4]")) {
                return valueOf(v);
            }
            if (v.matches("P[1-4]")) {
                return values()[v.charAt(1) - '1'];
            }
        }
        throw new IllegalArgumentException("severity must be SEV1..SEV4 or P1..P4, got " + (value == null ? "null" : "'" + value + "'"));
    }
}
