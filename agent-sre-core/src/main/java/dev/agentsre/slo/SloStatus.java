package dev.agentsre.slo;

/**
 * The health of an SLO, from {@link Slo#evaluate()}. Ordered by severity:
 * {@link #EXHAUSTED} &gt; {@link #CRITICAL} &gt; {@link #WARNING} &gt; {@link #HEALTHY};
 * {@link #UNKNOWN} means there is no data yet.
 */
public enum SloStatus {
    /** No events and no indicator samples in any window yet. */
    UNKNOWN(0),
    /** Every indicator meets its target and no alert fires. */
    HEALTHY(1),
    /** A warning (ticket) alert fires, or an indicator misses its target. */
    WARNING(2),
    /** A critical (page) alert fires. */
    CRITICAL(3),
    /** The error budget is used up. */
    EXHAUSTED(4);

    private final int code;

    SloStatus(int code) {
        this.code = code;
    }

    /** A stable numeric code for gauges: 0 unknown, 1 healthy, 2 warning, 3 critical, 4 exhausted. */
    public int code() {
        return code;
    }

    /** Whether this status is worse than {@code other} (UNKNOWN is worse than nothing). */
    public boolean isWorseThan(SloStatus other) {
        return code > other.code;
    }
}
