package dev.agentsre.delivery;

/** The state of one environment of a {@link BlueGreen} deployment. */
public enum BlueGreenState {
    /** Holds no version. */
    EMPTY,
    /** Holds a version that has not been validated. */
    DEPLOYED,
    /** Its health check is being polled. */
    VALIDATING,
    /** Its health check passed: it can take traffic. */
    READY,
    /** It serves every new call. */
    ACTIVE,
    /** It served until the last switch: calls started on it finish on it; it takes no new ones. */
    DRAINING,
    /** Drained: it holds its version (a rollback target) and serves nothing. */
    INACTIVE,
    /** Its validation failed or timed out. */
    FAILED
}
