package dev.agentsre.alert;

import java.util.Locale;

/**
 * How urgent an {@link Alert} is: {@link #INFO} &lt; {@link #WARNING} &lt; {@link #CRITICAL}. Exposed to
 * matchers and payloads as the label {@code severity} with the lower-case name, as Alertmanager
 * users write it ({@code severity="critical"}).
 */
public enum Severity {
    /** Worth knowing; nobody needs to act. */
    INFO,
    /** Needs attention within working hours: a ticket. */
    WARNING,
    /** Needs attention now: a page. */
    CRITICAL;

    private final String label = name().toLowerCase(Locale.ROOT);

    /** The label value: {@code info}, {@code warning} or {@code critical}. */
    public String label() {
        return label;
    }

    /** Whether this is more urgent than {@code other}. */
    public boolean isHigherThan(Severity other) {
        return compareTo(other) > 0;
    }

    /**
     * Parses a label value, case-insensitively; {@code error} and {@code page} read as CRITICAL,
     * {@code ticket} as WARNING.
     *
     * @throws IllegalArgumentException naming the value when it is none of these
     */
    public static Severity parse(String value) {
        if (value == null) {
            throw new IllegalArgumentException("severity must not be null");
        }
        switch (value.trim().toLowerCase(Locale.ROOT)) {
            case "info":
                return INFO;
            case "warning":
            case "ticket":
                return WARNING;
            case "critical":
            case "error":
            case "page":
                return CRITICAL;
            default:
                throw new IllegalArgumentException("severity must be info, warning or critical, got '" + value + "'");
        }
    }
}
