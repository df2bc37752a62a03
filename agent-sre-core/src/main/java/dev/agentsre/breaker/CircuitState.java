package dev.agentsre.breaker;

/** The states of a {@link CircuitBreaker}. */
public enum CircuitState {
    /** Calls pass; outcomes are counted. */
    CLOSED(0, true),
    /** Calls are rejected until the recovery timeout has passed. */
    OPEN(1, false),
    /** A limited number of probe calls pass; their outcome closes or re-opens the circuit. */
    HALF_OPEN(2, true),
    /** Opened by {@link CircuitBreaker#forceOpen()}: every call is rejected until {@link CircuitBreaker#reset()}. */
    FORCED_OPEN(3, false),
    /** Switched off by {@link CircuitBreaker#disable()}: every call passes and nothing is counted. */
    DISABLED(4, true);

    private final int code;
    private final boolean admitsCalls;

    CircuitState(int code, boolean admitsCalls) {
        this.code = code;
        this.admitsCalls = admitsCalls;
    }

    /** A stable numeric code for gauges: 0 closed, 1 open, 2 half-open, 3 forced open, 4 disabled. */
    public int code() {
        return code;
    }

    /** Whether this state lets at least some calls through. */
    public boolean admitsCalls() {
        return admitsCalls;
    }
}
