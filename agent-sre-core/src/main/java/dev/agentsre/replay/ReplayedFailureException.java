package dev.agentsre.replay;

/**
 * Re-throws a failure recorded in a trace when its original exception type cannot be rebuilt (no
 * public {@code (String)} constructor, not on the class path).
 */
public class ReplayedFailureException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final String originalType;

    ReplayedFailureException(String originalType, String message) {
        super(originalType + ": " + message);
        this.originalType = originalType;
    }

    /** The recorded exception's class name. */
    public String originalType() {
        return originalType;
    }
}
